"""Oversight figures for a region and its children, read from the daily rollups."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active
from apps.certification.selectors import certified_organization_ids, organization_is_certified_social_enterprise
from apps.core.aggregates import DecimalSum
from apps.core.errors import NotFound
from apps.core.money import fen_to_str
from apps.dispatch.selectors import unit_monthly_results
from apps.organizations.models import Organization
from apps.projects.models import ServiceLog
from apps.projects.selectors import organization_project_figures
from apps.regions.models import Region
from apps.regions.selectors import within_region
from apps.stats.models import DailyRollup, MonthlyRollup

SUMMED = (
    "needs_published",
    "needs_awarded",
    "needs_failed",
    "hours_confirmed",
    "beneficiaries_served",
    "funds_in_fen",
    "funds_out_fen",
    "work_orders",
    "work_orders_closed",
    "work_orders_on_time",
    "work_orders_reopened",
    "rating_sum",
    "rating_count",
)
FIGURES = (
    "needs_published",
    "needs_awarded",
    "needs_failed",
    "median_days_to_award",
    "hours_confirmed",
    "beneficiaries_served",
    "funds_in",
    "funds_out",
    "certified_enterprises",
    "work_orders",
    "on_time_rate",
    "reopen_rate",
    "satisfaction",
)


def stats_region_get_for_user(*, user, code: str) -> Region:
    """Officers see their own region and below; platform staff see everything."""
    region = Region.objects.filter(code=code).exclude(level=Region.Level.GRID).first()
    if region is None:
        raise NotFound(_("No such region."))
    if is_platform_staff(user):
        return region
    for m in memberships_active(user):
        if m.role in (Role.STREET_OFFICER, Role.DISTRICT_OFFICER) and m.region and region.is_within(m.region):
            return region
    raise NotFound(_("No such region."))


def _median_from_histogram(histogram: Counter) -> Decimal | None:
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted((int(days), n) for days, n in histogram.items())
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower = 0, None
    for days, n in ordered:
        if lower is None and seen + n > lower_rank:
            lower = days
        if seen + n > upper_rank:
            return (Decimal(lower) + Decimal(days)) / 2
        seen += n
    return None


def _ratio(numerator, denominator, places: str) -> str | None:
    if not denominator:
        return None
    return str((Decimal(numerator or 0) / denominator).quantize(Decimal(places)))


# Figures that belong to no need category: null when the figures are filtered by category.
NOT_BY_CATEGORY = (
    "funds_in",
    "certified_enterprises",
    "work_orders",
    "on_time_rate",
    "reopen_rate",
    "satisfaction",
)


def _finish(sums: dict, histogram: Counter, certified: int, *, by_category: bool = False) -> dict:
    """Final figures; money, hours and rates as decimal strings (CONTRACT: never floats)."""
    closed = sums.get("work_orders_closed") or 0
    median = _median_from_histogram(histogram)
    figures = {
        "needs_published": sums.get("needs_published") or 0,
        "needs_awarded": sums.get("needs_awarded") or 0,
        "needs_failed": sums.get("needs_failed") or 0,
        "median_days_to_award": None if median is None else str(median.quantize(Decimal("0.1"))),
        "hours_confirmed": str(Decimal(sums.get("hours_confirmed") or 0).quantize(Decimal("0.01"))),
        "beneficiaries_served": sums.get("beneficiaries_served") or 0,
        "funds_in": fen_to_str(sums.get("funds_in_fen") or 0),
        "funds_out": fen_to_str(sums.get("funds_out_fen") or 0),
        "certified_enterprises": certified,
        "work_orders": sums.get("work_orders") or 0,
        "on_time_rate": _ratio(sums.get("work_orders_on_time"), closed, "0.001"),
        "reopen_rate": _ratio(sums.get("work_orders_reopened"), closed, "0.001"),
        "satisfaction": _ratio(sums.get("rating_sum"), sums.get("rating_count") or 0, "0.01"),
    }
    if by_category:
        figures.update(dict.fromkeys(NOT_BY_CATEGORY))
    return figures


def _certified_by_region(region: Region, on: dt.date) -> Counter:
    """Certified social enterprises on ``on``, counted per region path of their organization."""

    paths = Organization.objects.filter(
        within_region(region, via="region"), pk__in=certified_organization_ids(on)
    ).values_list("region__path", flat=True)
    return Counter(paths)


def _month_span(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the whole calendar months inside the period, or None."""
    first = date_from if date_from.day == 1 else (date_from.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after = date_to + dt.timedelta(days=1)
    last = date_to if after.day == 1 else date_to.replace(day=1) - dt.timedelta(days=1)
    return (first, last) if first <= last else None


def _rollups(region: Region, date_from: dt.date, date_to: dt.date, category: str | None) -> list:
    """The rollup rows covering the period, as querysets to UNION ALL: whole months from the
    monthly rollups, the days of partial months (before and after) from the daily ones. Each part
    is one index range per community: communities by id (IN …), not a join on the path."""

    communities = Region.objects.filter(within_region(region)).values("pk")
    daily = DailyRollup.objects.filter(community_id__in=communities)
    span = _month_span(date_from, date_to)
    if span is None:
        parts = [daily.filter(date__gte=date_from, date__lte=date_to)]
    else:
        one_day = dt.timedelta(days=1)
        parts = [
            daily.filter(date__gte=date_from, date__lte=span[0] - one_day),
            MonthlyRollup.objects.filter(community_id__in=communities, month__gte=span[0], month__lte=span[1]),
            daily.filter(date__gte=span[1] + one_day, date__lte=date_to),
        ]
    return [qs.filter(category=category) if category else qs for qs in parts]


def _union(parts: list):
    return parts[0].union(*parts[1:], all=True)


def _award_histograms(parts: list) -> dict[int, Counter]:
    """Per community, the award-days histogram summed over the rows — in SQL, so the JSON of
    thousands of rows is neither sent nor decoded."""

    try:
        rows_sql, params = _union(
            [qs.exclude(award_days={}).values("community_id", "award_days") for qs in parts]
        ).query.sql_with_params()
    except EmptyResultSet:
        return {}
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    sql = (
        f"SELECT r.community_id, e.key, SUM(CAST(e.value AS integer)) FROM ({rows_sql}) r, {each}(r.award_days) e "  # noqa: S608 - fixed names
        "GROUP BY r.community_id, e.key"
    )
    histograms: dict[int, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for community_id, days, n in cursor.fetchall():
            histograms[community_id][str(days)] += int(n)
    return histograms


def region_figures(*, region: Region, date_from: dt.date, date_to: dt.date, category: str | None = None) -> dict:
    """Figures of ``region`` for the period, and the same per child region; with ``category`` (a
    need category code) only what belongs to that category, and null for what belongs to none."""
    children = list(region.children.exclude(level=Region.Level.GRID).order_by("code"))
    parts = _rollups(region, date_from, date_to, category)
    by_community: dict[int, tuple[str, dict]] = {}
    sums_of_parts = [
        qs.values("community_id", "community__path").annotate(**{f: Sum(f) for f in SUMMED}) for qs in parts
    ]
    for row in _union(sums_of_parts):  # a community's days and its whole months
        path, sums = by_community.setdefault(row["community_id"], (row["community__path"], defaultdict(int)))
        for f in SUMMED:
            sums[f] += row[f] or 0
    histograms = _award_histograms(parts)

    total, total_hist = defaultdict(int), Counter()
    per_child = {c.pk: (defaultdict(int), Counter()) for c in children}
    for community_id, (path, community_sums) in by_community.items():
        child = next((c for c in children if path.startswith(c.path)), None)
        targets = [(total, total_hist)] + ([per_child[child.pk]] if child else [])
        for sums, hist in targets:
            for f in SUMMED:
                sums[f] += community_sums[f]
            hist.update(histograms.get(community_id, {}))
    certified = Counter() if category else _certified_by_region(region, date_to)
    by_category = bool(category)
    figures = _finish(total, total_hist, sum(certified.values()), by_category=by_category)
    figures["children"] = [
        {
            "region": c.code,
            "name": c.name,
            "level": c.level,
            **_finish(
                *per_child[c.pk],
                sum(n for path, n in certified.items() if path.startswith(c.path)),
                by_category=by_category,
            ),
        }
        for c in children
    ]
    return figures


def organization_figures(*, organization, date_from: dt.date, date_to: dt.date) -> dict:
    """Public figures of one organization (``organization_project_figures``) and whether it is a
    certified social enterprise at the period's end."""
    return organization_project_figures(organization=organization, date_from=date_from, date_to=date_to) | {
        "certified_social_enterprise": organization_is_certified_social_enterprise(organization, on=date_to),
    }


def worker_figures(*, worker, date_from: dt.date, date_to: dt.date) -> dict:
    """Confirmed service of one worker in the period (corrections replace what they supersede)."""

    logs = ServiceLog.objects.counted().filter(worker=worker, date__gte=date_from, date__lte=date_to)
    totals = logs.aggregate(hours=DecimalSum("hours"), served=Sum("beneficiaries_served"), records=Count("id"))
    return {
        "hours_confirmed": str(Decimal(totals["hours"] or 0).quantize(Decimal("0.01"))),
        "records": totals["records"],
        "beneficiaries_served": totals["served"] or 0,
        "projects": logs.values("project_id").distinct().count(),
    }


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def monthly_report(*, region: Region, year: int, month: int) -> dict:
    """The monthly report (每月通报) of an area: bidding, hours, funds and dispatch for the month
    and the month before (from the daily rollups), per child area, and the dispatch results of
    each lead unit that month (the dispatch app's monthly figures)."""

    date_from, date_to = month_period(year, month)
    previous_from, previous_to = month_period(*((year, month - 1) if month > 1 else (year - 1, 12)))
    previous = region_figures(region=region, date_from=previous_from, date_to=previous_to)
    previous.pop("children")
    return {
        "month": f"{year:04d}-{month:02d}",
        "figures": region_figures(region=region, date_from=date_from, date_to=date_to),
        "previous_month": previous_from.strftime("%Y-%m"),
        "previous": previous,
        "units": [
            {
                "unit": r.unit.code,
                "name": r.unit.name,
                "orders": r.orders,
                "handled": r.handled,
                "on_time": r.on_time,
                "reopened": r.reopened,
                "on_time_rate": r.on_time_rate,
                "reopen_rate": r.reopen_rate,
                "average_rating": r.average_rating,
            }
            for r in unit_monthly_results(year=year, month=month, region=region)
        ],
    }
