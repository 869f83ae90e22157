"""How a page shows the one application error (the API's counterpart is
``apps.core.api.exception_handler``).

- An access function's ``NotFound`` is the page's 404 (``object_or_404``); a page never says
  whether the object exists.
- A link that outlives the request (a notification, a search result, a printed QR code) is kept
  without the language prefix (``language_neutral_url``), so each reader sees their own language.
- Any other refusal is shown where the person will read it (``show_error``): each field error next
  to its field and the message on top of the form, what was typed kept because the same bound form
  is rendered again; a page that redirects instead (a button, no form to re-render) shows it as a
  message on the next page.
- An action that moves money first shows what will move on a confirm page (``MoneyConfirm``,
  ``money_confirm_render``: a GET that moves nothing and works without JavaScript), and after it
  moved says what did (``money_moved_message``: amount, payee and the ledger's 流水 #N). The
  confirming POST carries a digest of the amounts shown (``money_fingerprint``); when they are no
  longer what would move, ``money_confirm_stale`` shows the page again with the amounts now and
  nothing moves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import translate_url
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError, NotFound
from apps.core.money import MoneyMove

T = TypeVar("T")


def object_or_404(getter: Callable[..., T], /, **kwargs: Any) -> T:
    """Call an access function or selector; the ``NotFound`` it raises becomes ``Http404``."""
    try:
        return getter(**kwargs)
    except NotFound:
        raise Http404 from None


def show_error(request, exc: ApplicationError, form: forms.BaseForm | None = None) -> None:
    """Show a refusal on the page being rendered (``form``) or on the next one (no form).

    ``NotFound`` raises ``Http404``. With a form, field errors go next to their fields (a field
    the form does not have goes on top) and the message goes on top unless it repeats a field's.
    Without one, the message and the field errors are one error message."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    field_messages = [m for msgs in exc.field_errors.values() for m in msgs]
    if form is None:
        text = " ".join(dict.fromkeys([exc.message, *field_messages])).strip()
        messages.error(request, text)
        return
    for field, msgs in exc.field_errors.items():
        for message in msgs:
            form.add_error(field if field in form.fields else None, message)
    if exc.message and exc.message not in field_messages:
        form.add_error(None, exc.message)


def language_neutral_url(url: str) -> str:
    """``url`` (a path reversed in the active language) in the default language, i.e. without the
    ``/en/`` prefix; a path that is not one of ours is returned as it is."""
    return translate_url(url, settings.LANGUAGE_CODE) if url else url


@dataclass(frozen=True)
class MoneyConfirm:
    """A money-moving action's confirm page: what will move (``move``) and for what
    (``subject``). ``post_to`` is the action's URL (the confirm page's own when ``None``), with
    ``fields`` (name, value) posted along."""

    title: str
    question: str
    move: MoneyMove
    subject: str
    submit_label: str
    cancel_url: str
    post_to: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


MONEY_SHOWN_FIELD = "money_shown"


def money_fingerprint(move: MoneyMove) -> str:
    """A short digest of the amounts a confirm page shows (the total and each part, in fen): the
    page posts it back, and the action runs only if it still matches what would move."""
    shown = ":".join([str(move.amount_fen), *(str(fen) for _label, fen in move.parts)])
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def money_confirm_render(request, confirm: MoneyConfirm, *, status: int = 200):
    """The confirm page of a money-moving action: it shows ``confirm`` and moves nothing."""
    context = {
        "confirm": confirm,
        "post_to": confirm.post_to or request.path,
        "shown_field": MONEY_SHOWN_FIELD,
        "shown": money_fingerprint(confirm.move),
    }
    return render(request, "money_confirm.html", context, status=status)


def money_confirm_stale(request, confirm: MoneyConfirm):
    """On the confirming POST: ``None`` when the amounts the page showed are still those of
    ``confirm`` (what would move now), so the action may run. Otherwise (the amount changed since,
    or the POST did not come from the confirm page) the confirm page again, with the amounts now
    and a message saying so (409): nothing moves until the person confirms those."""
    if request.POST.get(MONEY_SHOWN_FIELD) == money_fingerprint(confirm.move):
        return None
    messages.warning(
        request,
        _(
            "The amount to move is no longer the one the page showed: here is what would move now. "
            "Nothing was moved; check it and confirm again."
        ),
    )
    return money_confirm_render(request, confirm, status=409)


def ledger_transfer_link(transfer_id, url: str | None = None) -> SafeString:
    """流水 #N (the ledger transfer's number), a link when a public page shows that transfer."""
    label = _("Transfer #%(number)s") % {"number": transfer_id}
    return format_html('<a href="{}">{}</a>', url, label) if url else escape(label)


def money_moved_message(request, text: str, *, transfer_id=None, transfer_url: str | None = None, **values) -> None:
    """A success message saying what moved: ``text`` (translated, with ``%(name)s`` placeholders)
    filled with the escaped ``values`` and, when the ledger booked it, ``transfer``: 流水 #N."""
    filled = {name: escape(value) for name, value in values.items()}
    if transfer_id:
        filled["transfer"] = ledger_transfer_link(transfer_id, transfer_url)
    messages.success(request, mark_safe(escape(text) % filled))  # noqa: S308 - every part is escaped above
