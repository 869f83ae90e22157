"""Sources of the oversight figures. Each provider reads one domain's raw tables for a period
and returns ``{(community_id, date): {field: value}}`` with the DailyRollup field names.

The rollup job and the live computation both call these, so the definitions live in one place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

Figures = dict[tuple[int, dt.date], dict]
PROVIDERS: list[Callable[[dt.date, dt.date], Figures]] = []


def provider(func):
    PROVIDERS.append(func)
    return func


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


@provider
def needs_figures(date_from: dt.date, date_to: dt.date) -> Figures:
    """Needs published (by publication day), awarded and failed (by the day it happened), and
    the days from publication to award."""
    from apps.bidding.models import Need

    tz = timezone.get_current_timezone()
    out: Figures = defaultdict(dict)
    published = (
        Need.objects.filter(published_at__date__gte=date_from, published_at__date__lte=date_to)
        .annotate(day=TruncDate("published_at", tzinfo=tz))
        .values("community_id", "day")
        .annotate(n=Count("id"))
    )
    for row in published:
        out[(row["community_id"], row["day"])]["needs_published"] = row["n"]
    awarded = Need.objects.filter(
        status=Need.Status.AWARDED, awarded_at__date__gte=date_from, awarded_at__date__lte=date_to
    ).values_list("community_id", "awarded_at", "published_at")
    for community_id, awarded_at, published_at in awarded:
        key = (community_id, _local_date(awarded_at))
        figures = out[key]
        figures["needs_awarded"] = figures.get("needs_awarded", 0) + 1
        days = str((_local_date(awarded_at) - _local_date(published_at)).days)
        histogram = figures.setdefault("award_days", {})
        histogram[days] = histogram.get(days, 0) + 1
    failed = (
        Need.objects.filter(status=Need.Status.FAILED, updated_at__date__gte=date_from, updated_at__date__lte=date_to)
        .annotate(day=TruncDate("updated_at", tzinfo=tz))
        .values("community_id", "day")
        .annotate(n=Count("id"))
    )
    for row in failed:
        out[(row["community_id"], row["day"])]["needs_failed"] = row["n"]
    return out
