"""Figures and lists the CMS pages show, computed from the domain apps when they exist.

Every import is lazy: on a branch or deployment where an app has no model or selector yet,
the figure is ``None`` (shown as "—") instead of breaking the home page.

Each domain app may provide (and the lead wires nothing else):
- ``apps.projects.selectors.hours_delivered_in_year(year) -> Decimal|int`` (approved service hours)
- ``apps.funds.selectors.total_raised_fen() -> int`` (donations received by all community funds)
- ``apps.certification.selectors.certified_enterprise_count() -> int``
"""

from __future__ import annotations

import logging
from importlib import import_module

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)
FIGURES_CACHE_SECONDS = 300


def _call(module: str, func: str, *args):
    try:
        fn = getattr(import_module(module), func)
    except (ImportError, AttributeError):
        return None
    try:
        return fn(*args)
    except Exception:  # a figure must never take the home page down
        logger.exception("live figure %s.%s failed", module, func)
        return None


def open_needs_count() -> int | None:
    try:
        from apps.bidding.models import Need
    except ImportError:
        return None
    return Need.objects.filter(status=Need.Status.PUBLISHED, bid_deadline__gt=timezone.now()).count()


def hours_delivered_this_year():
    return _call("apps.projects.selectors", "hours_delivered_in_year", timezone.localdate().year)


def money_raised_fen() -> int | None:
    value = _call("apps.funds.selectors", "total_raised_fen")
    return None if value is None else int(value)


def certified_enterprises_count() -> int | None:
    return _call("apps.certification.selectors", "certified_enterprise_count")


def live_figures(*, use_cache: bool = True) -> dict:
    key = "cms:live-figures"
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    figures = {
        "open_needs": open_needs_count(),
        "hours_this_year": hours_delivered_this_year(),
        "money_raised_fen": money_raised_fen(),
        "certified_enterprises": certified_enterprises_count(),
    }
    cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def featured_needs(limit: int = 3) -> list:
    """The newest needs open for bids (public fields only)."""
    try:
        from apps.bidding.models import Need
    except ImportError:
        return []
    return list(
        Need.objects.filter(status=Need.Status.PUBLISHED, bid_deadline__gt=timezone.now())
        .select_related("community", "category")
        .order_by("-published_at", "-id")[:limit]
    )


def latest_news(limit: int = 3, kind: str = ""):
    from cms.models import NewsPage

    qs = NewsPage.objects.live().public().order_by("-date", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:limit])


def case_stories(limit: int = 3):
    from cms.models import CaseStudyPage

    return list(CaseStudyPage.objects.live().public().order_by("-first_published_at", "-id")[:limit])
