"""Sources of the oversight figures. Each provider reads one domain's raw tables for a period
and returns ``{(community_id, date, category_code): {field: value}}`` with the DailyRollup field
names; the category is the need category code, or "" for what belongs to no need category.

The rollup job and the live computation both call these, so the definitions live in one place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.bidding.models import Need
from apps.core.aggregates import DecimalSum
from apps.core.ids import parse_id
from apps.dispatch.models import WorkOrder
from apps.funds.models import Fund
from apps.ledger.books import day_end, day_start
from apps.ledger.models import Leg
from apps.projects.models import Project, ServiceLog

Figures = dict[tuple[int, dt.date, str], dict]
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

    tz = timezone.get_current_timezone()
    out: Figures = defaultdict(dict)
    published = (
        Need.objects.filter(published_at__date__gte=date_from, published_at__date__lte=date_to)
        .annotate(day=TruncDate("published_at", tzinfo=tz))
        .values("community_id", "day", "category__code")
        .annotate(n=Count("id"))
    )
    for row in published:
        out[(row["community_id"], row["day"], row["category__code"])]["needs_published"] = row["n"]
    awarded = Need.objects.filter(
        status=Need.Status.AWARDED, awarded_at__date__gte=date_from, awarded_at__date__lte=date_to
    ).values_list("community_id", "awarded_at", "published_at", "category__code")
    for community_id, awarded_at, published_at, category in awarded:
        key = (community_id, _local_date(awarded_at), category)
        figures = out[key]
        figures["needs_awarded"] = figures.get("needs_awarded", 0) + 1
        days = str((_local_date(awarded_at) - _local_date(published_at)).days)
        histogram = figures.setdefault("award_days", {})
        histogram[days] = histogram.get(days, 0) + 1
    failed = (
        Need.objects.filter(status=Need.Status.FAILED, updated_at__date__gte=date_from, updated_at__date__lte=date_to)
        .annotate(day=TruncDate("updated_at", tzinfo=tz))
        .values("community_id", "day", "category__code")
        .annotate(n=Count("id"))
    )
    for row in failed:
        out[(row["community_id"], row["day"], row["category__code"])]["needs_failed"] = row["n"]
    return out


@provider
def hours_figures(date_from: dt.date, date_to: dt.date) -> Figures:
    """Service hours confirmed by the community, and beneficiaries served, by day of service; a
    confirmed correction replaces the record it supersedes."""

    rows = (
        ServiceLog.objects.counted()
        .filter(date__gte=date_from, date__lte=date_to)
        .values("project__community_id", "date", "project__need__category__code")
        .annotate(hours=DecimalSum("hours"), served=Sum("beneficiaries_served"))
    )
    return {
        (r["project__community_id"], r["date"], r["project__need__category__code"]): {
            "hours_confirmed": r["hours"],
            "beneficiaries_served": r["served"] or 0,
        }
        for r in rows
    }


@provider
def funds_figures(date_from: dt.date, date_to: dt.date) -> Figures:
    """Money into and out of each community fund's accounts, from posted ledger legs. Money paid
    to a project (ledger reference ``project:<id>``) counts under its need's category."""

    community_of_fund = {str(pk): community_id for pk, community_id in Fund.objects.values_list("pk", "community_id")}
    out: Figures = defaultdict(dict)
    legs = (
        Leg.objects.filter(
            account__owner_type="fund",
            transfer__phase__in=("single", "post"),
            created_at__gte=day_start(date_from),  # the leg's copy of its transfer's time (partitions)
            created_at__lt=day_end(date_to),
        )
        .exclude(account__kind="bank")
        .values_list("account__owner_id", "created_at", "amount", "transfer__reference")
    )
    legs = list(legs)
    project_ids = {ref.split(":", 1)[1] for *_rest, ref in legs if ref.startswith("project:")}
    category_of_project = {
        f"project:{pk}": code
        for pk, code in Project.objects.filter(pk__in=[pk for pk in map(parse_id, project_ids) if pk]).values_list(
            "pk", "need__category__code"
        )
    }
    for owner_id, created_at, amount, reference in legs:
        community_id = community_of_fund.get(owner_id)
        if community_id is None:
            continue
        figures = out[(community_id, _local_date(created_at), category_of_project.get(reference, ""))]
        # Fund accounts are credit-normal: a credit (negative leg) is money in.
        field = "funds_in_fen" if amount < 0 else "funds_out_fen"
        figures[field] = figures.get(field, 0) + abs(amount)
    return out


@provider
def work_order_figures(date_from: dt.date, date_to: dt.date) -> Figures:
    """Work orders reported (by day reported), and closed ones (by day closed) with on-time,
    reopen and rating figures."""

    out: Figures = defaultdict(dict)
    for community_id, created_at in WorkOrder.objects.filter(
        created_at__date__gte=date_from, created_at__date__lte=date_to
    ).values_list("community_id", "created_at"):
        figures = out[(community_id, _local_date(created_at), "")]
        figures["work_orders"] = figures.get("work_orders", 0) + 1
    closed = WorkOrder.objects.filter(
        status="closed", closed_at__date__gte=date_from, closed_at__date__lte=date_to
    ).values_list("community_id", "closed_at", "handled_at", "resolve_by", "reopened_count", "rating")
    for community_id, closed_at, handled_at, resolve_by, reopened, rating in closed:
        figures = out[(community_id, _local_date(closed_at), "")]
        figures["work_orders_closed"] = figures.get("work_orders_closed", 0) + 1
        on_time = handled_at is not None and resolve_by is not None and handled_at <= resolve_by
        figures["work_orders_on_time"] = figures.get("work_orders_on_time", 0) + int(on_time)
        figures["work_orders_reopened"] = figures.get("work_orders_reopened", 0) + int(reopened > 0)
        if rating:
            figures["rating_sum"] = figures.get("rating_sum", 0) + rating
            figures["rating_count"] = figures.get("rating_count", 0) + 1
    return out
