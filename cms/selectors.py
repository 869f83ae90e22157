"""Figures and lists the CMS pages show, computed by the domain apps' selectors:
``apps.bidding.selectors.needs_open_for_bids``, ``apps.projects.selectors.hours_delivered_in_year``,
``apps.funds.selectors.total_raised_fen`` and ``apps.certification.selectors.certified_enterprise_count``.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from apps.bidding.selectors import needs_open_for_bids
from apps.certification.selectors import certified_enterprise_count
from apps.funds.selectors import total_raised_fen
from apps.projects.selectors import hours_delivered_in_year

# The module, not its classes: cms.models imports cms.blocks, whose blocks call these selectors, so
# this module may be imported while cms.models is still loading; the classes are read at call time.
from cms import models as cms_models

logger = logging.getLogger(__name__)
FIGURES_CACHE_SECONDS = 300


def _figure(func, *args):
    """A figure, or None (shown as "—") when computing it fails: a figure must never take the
    home page down."""
    try:
        return func(*args)
    except Exception:
        logger.exception("live figure %s failed", func.__name__)
        return None


def open_needs_count() -> int | None:
    return needs_open_for_bids().count()


def hours_delivered_this_year():
    return _figure(hours_delivered_in_year, timezone.localdate().year)


def money_raised_fen() -> int | None:
    value = _figure(total_raised_fen)
    return None if value is None else int(value)


def certified_enterprises_count() -> int | None:
    return _figure(certified_enterprise_count)


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
    return list(needs_open_for_bids().select_related("community", "category").order_by("-published_at", "-id")[:limit])


def latest_news(limit: int = 3, kind: str = ""):
    qs = cms_models.NewsPage.objects.live().public().order_by("-date", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:limit])


def case_stories(limit: int = 3):
    return list(cms_models.CaseStudyPage.objects.live().public().order_by("-first_published_at", "-id")[:limit])
