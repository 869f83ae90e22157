"""Registry of the workspace's cards: for each role, the links to what it can do and the counts of
what needs its action now. Each app declares its own in ``apps/<app>/workspace.py`` with
``workspace_link(...)`` and ``@workspace_count(...)``; the workspace page (apps/portal) shows them.

The kernel knows no role, model or URL: roles are the values apps pass in, links are URL names
reversed when the page is built, and ``order`` places an app's entries among the other apps' in a
role's section (lowest first; entries with the same order keep the order they were registered in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.urls import reverse


@dataclass(frozen=True)
class ActionLink:
    label: str
    url: str


@dataclass(frozen=True)
class ActionCount:
    key: str
    label: str
    value: int | Decimal
    url: str


# A counter takes the user and the memberships the section is for (all of one role: a person who
# administers three organizations has one section for them), and returns its counts: each is scoped
# to those memberships (their communities, organizations or funds) or to the user (reviewer,
# worker), so a count never includes rows the user may not see, and counts each row once however
# many of the memberships it falls under. Each count is one query.
Counter = Callable[..., list[ActionCount]]


@dataclass(frozen=True)
class _Link:
    roles: frozenset[str]
    order: int
    label: str
    url_name: str


@dataclass(frozen=True)
class _Count:
    roles: frozenset[str]
    order: int
    counter: Counter


_links: list[_Link] = []
_counts: list[_Count] = []


def workspace_link(*roles: str, order: int, label: str, url_name: str) -> None:
    """Show a link to the page named ``url_name`` in the section of each of ``roles``."""
    _links.append(_Link(frozenset(roles), order, label, url_name))


def workspace_count(*roles: str, order: int):
    """Register a counter (``counter(*, user, memberships) -> list[ActionCount]``) for ``roles``."""

    def register(counter: Counter) -> Counter:
        _counts.append(_Count(frozenset(roles), order, counter))
        return counter

    return register


def discover() -> None:
    for config in django_apps.get_app_configs():
        if config.name.startswith(("apps.", "cms")):
            try:
                import_module(f"{config.name}.workspace")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.workspace":
                    raise


def _for_role(entries: list, role: str) -> list:
    return sorted((e for e in entries if role in e.roles), key=lambda e: e.order)


def workspace_links(*, role: str) -> list[ActionLink]:
    """The links shown in the section of ``role``, in order."""
    discover()
    return [ActionLink(link.label, reverse(link.url_name)) for link in _for_role(_links, role)]


def workspace_counts(*, user, memberships) -> list[ActionCount]:
    """What needs ``user``'s action now in ``memberships``: theirs, all of one role (any other is
    left out)."""
    memberships = [m for m in memberships if m.user_id == user.pk]
    if not memberships or len({m.role for m in memberships}) != 1:
        return []
    discover()
    return [
        c
        for entry in _for_role(_counts, memberships[0].role)
        for c in entry.counter(user=user, memberships=memberships)
    ]
