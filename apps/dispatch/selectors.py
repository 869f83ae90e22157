"""Reads of the dispatch app: lists, duplicate candidates, monthly results per unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Avg, Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.dispatch.access import work_orders_public, work_orders_visible
from apps.dispatch.models import (
    DispatchCategory,
    ReportFollower,
    ResidentReport,
    Unit,
    WorkOrder,
    WorkOrderEvent,
)
from apps.regions.selectors import distance_m, within_region

DUPLICATE_WINDOW = dt.timedelta(days=7)


def dispatch_category_list() -> QuerySet[DispatchCategory]:
    return DispatchCategory.objects.filter(active=True)


def unit_list(*, kind: str | None = None, region=None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        qs = qs.filter(within_region(region, via="region"))
    return qs


def units_serving(community) -> QuerySet[Unit]:
    """Units whose area contains ``community`` (its street, district or city): those it may be sent to."""
    return Unit.objects.select_related("region").filter(region__path__in=_path_prefixes(community.path))


def _path_prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def work_order_duplicates(*, grid, category, now: dt.datetime | None = None) -> QuerySet[WorkOrder]:
    """Open orders of the same category on the same grid reported in the last 7 days."""
    if grid is None:
        return WorkOrder.objects.none()
    now = now or timezone.now()
    return (
        WorkOrder.objects.open()
        .filter(grid=grid, category=category, created_at__gte=now - DUPLICATE_WINDOW)
        .select_related("category")
        .order_by("-created_at")
    )


def work_order_list(
    *,
    user,
    status: str | None = None,
    community=None,
    unit=None,
    overdue: bool | None = None,
    public: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[WorkOrder]:
    """The orders ``user`` works on; with ``public``, the public ones instead (to be shown only in
    their public form, ``work_order_public``)."""
    qs = work_orders_public() if public else work_orders_visible(user)
    qs = qs.select_related("community", "grid", "category", "lead_unit", "reporter")
    qs = qs.prefetch_related("co_units", "photos")
    if status:
        qs = qs.filter(status=status)
    if community is not None:
        qs = qs.filter(within_region(community, via="community"))
    if unit is not None:
        qs = qs.filter(
            Q(lead_unit=unit) | Q(pk__in=WorkOrder.co_units.through.objects.filter(unit=unit).values("workorder_id"))
        )
    if overdue is True:
        qs = qs.filter(pk__in=WorkOrder.objects.overdue(now).values("pk"))
    elif overdue is False:
        qs = qs.exclude(pk__in=WorkOrder.objects.overdue(now).values("pk"))
    return qs


# What is public (README, "What is public"): the one rule for Open311 reads and for the API's
# answers to anyone who is not a party to an order. Every order (access.work_orders_public) is
# public in this form; nothing else of it is: not the reporter (account, phone, e-mail), the street address, the exact
# coordinates (a problem is often reported at someone's home), photos, the dispatch note, who the
# unit contacted, what it wrote back, nor the community's rating and comment.
PUBLIC_COORDINATE_STEP = Decimal("0.001")  # about 110 m north-south, 95 m east-west in Chengdu


def _public_coordinate(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(PUBLIC_COORDINATE_STEP, rounding=ROUND_HALF_EVEN))


def _local_iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def work_order_public(order: WorkOrder, *, now: dt.datetime | None = None) -> dict:
    """The public form of ``order``: every field a channel may show to someone who is not a
    party to it (names and codes, status, dates, the location rounded to about 100 m)."""
    return {
        "id": order.pk,
        "community": order.community.code,
        "community_id": order.community_id,
        "community_name": order.community.name,
        "grid": order.grid.code if order.grid_id else None,
        "grid_id": order.grid_id,
        "grid_name": order.grid.name if order.grid_id else "",
        "category": order.category.code,
        "category_id": order.category_id,
        "category_name": order.category.name,
        "description": order.description,
        "lat": _public_coordinate(order.lat),
        "lon": _public_coordinate(order.lon),
        "source": order.source,
        "status": order.status,
        "status_display": str(order.get_status_display()),
        "lead_unit": order.lead_unit.code if order.lead_unit_id else None,
        "lead_unit_name": order.lead_unit.name if order.lead_unit_id else "",
        "dispatched_at": _local_iso(order.dispatched_at),
        "respond_by": _local_iso(order.respond_by),
        "resolve_by": _local_iso(order.resolve_by),
        "accepted_at": _local_iso(order.accepted_at),
        "handled_at": _local_iso(order.handled_at),
        "closed_at": _local_iso(order.closed_at),
        "reopened_count": order.reopened_count,
        "escalation_level": order.escalation_level,
        "overdue": order.is_overdue(now),
        "created_at": _local_iso(order.created_at),
        "updated_at": _local_iso(order.updated_at),
    }


@dataclass
class UnitResults:
    unit: Unit
    orders: int
    handled: int
    on_time: int
    reopened: int
    rated: int
    average_rating: float | None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.orders, 1) if self.orders else None

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.orders, 1) if self.orders else None


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def unit_monthly_results(*, year: int, month: int, region=None, units=None) -> list[UnitResults]:
    """Per lead unit, over orders dispatched in that month: on time = replied by resolve_by;
    reopened = rated not resolved at least once; average of the community's ratings."""
    start, end = month_bounds(year, month)
    qs = WorkOrder.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end, lead_unit__isnull=False)
    if region is not None:
        qs = qs.filter(within_region(region, via="community"))
    if units is not None:
        qs = qs.filter(lead_unit__in=units)
    rows = (
        qs.values("lead_unit")
        .annotate(
            orders=Count("id"),
            handled=Count("id", filter=Q(handled_at__isnull=False)),
            on_time=Count("id", filter=Q(handled_at__isnull=False, handled_at__lte=F("resolve_by"))),
            reopened=Count("id", filter=Q(reopened_count__gt=0)),
            rated=Count("id", filter=Q(rating__isnull=False)),
            average_rating=Avg("rating"),
        )
        .order_by("lead_unit")
    )
    by_unit = {u.pk: u for u in Unit.objects.filter(pk__in=[r["lead_unit"] for r in rows])}
    return [
        UnitResults(
            unit=by_unit[r["lead_unit"]],
            orders=r["orders"],
            handled=r["handled"],
            on_time=r["on_time"],
            reopened=r["reopened"],
            rated=r["rated"],
            average_rating=round(r["average_rating"], 2) if r["average_rating"] is not None else None,
        )
        for r in rows
    ]


def work_order_figures(*, region, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """Figures for oversight dashboards: ``work_orders`` reported in [start, end] within ``region``,
    ``on_time_rate`` (percent of dispatched ones replied by their resolve_by) and ``satisfaction``
    (average rating 1–5)."""
    qs = WorkOrder.objects.filter(within_region(region, via="community"))
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    agg = qs.aggregate(
        work_orders=Count("id"),
        dispatched=Count("id", filter=Q(dispatched_at__isnull=False)),
        on_time=Count("id", filter=Q(handled_at__isnull=False, handled_at__lte=F("resolve_by"))),
        satisfaction=Avg("rating"),
    )
    return {
        "work_orders": agg["work_orders"],
        "on_time_rate": round(100 * agg["on_time"] / agg["dispatched"], 1) if agg["dispatched"] else None,
        "satisfaction": round(agg["satisfaction"], 2) if agg["satisfaction"] is not None else None,
    }


def work_order_map_points(*, user) -> list[dict]:
    """Open orders the user may see, with their position when reported (the map and its table)."""
    orders = (
        work_orders_visible(user)
        .open()
        .select_related("category", "community", "grid")
        .order_by("-created_at", "-id")[:500]
    )
    return [
        {
            "id": order.pk,
            "lat": float(order.lat) if order.lat is not None else None,
            "lon": float(order.lon) if order.lon is not None else None,
            "label": f"#{order.pk} {order.category.display_name} · {order.get_status_display()}",
            "address": order.address,
            "community": order.community.name,
            "grid": order.grid.name if order.grid_id else "",
            "overdue": order.is_overdue(),
            "url": reverse("dispatch:work-order-detail", args=[order.pk]),
        }
        for order in orders
    ]


# --- resident reports --------------------------------------------------------------------------


def report_duplicates(*, category, lat, lon, radius_m: int, exclude_pk=None, limit: int = 5) -> list[dict]:
    """Open reports of ``category`` within ``radius_m`` of the position, nearest first:
    ``[{report, distance_m}]``."""
    # A box around the position narrows the rows; the exact distance decides.
    dlat = Decimal(radius_m) / Decimal(111_000) + Decimal("0.0001")
    dlon = dlat * 2  # generous east-west at any latitude we serve
    qs = ResidentReport.objects.filter(
        category=category,
        status__in=ResidentReport.OPEN_STATUSES,
        lat__gte=lat - dlat,
        lat__lte=lat + dlat,
        lon__gte=lon - dlon,
        lon__lte=lon + dlon,
    ).select_related("category")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    rows = []
    for report in qs[:200]:
        d = distance_m(lat, lon, report.lat, report.lon)
        if d <= radius_m:
            rows.append({"report": report, "distance_m": round(d)})
    rows.sort(key=lambda r: (r["distance_m"], r["report"].pk))
    return rows[:limit]


def reports_public(*, status: str | None = None, community=None, open_only: bool = False) -> QuerySet[ResidentReport]:
    """Every resident report, to be shown in its public form only (``report_public``)."""
    # Meta.ordering does not apply to a query with an aggregate: newest first, said here.
    qs = (
        ResidentReport.objects.select_related("community", "grid", "category", "work_order")
        .annotate(joined_count=Count("followers", filter=Q(followers__joined=True)))
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=ResidentReport.OPEN_STATUSES)
    if community is not None:
        qs = qs.filter(within_region(community, via="community"))
    return qs.prefetch_related("photos")


def report_joined_count(report: ResidentReport) -> int:
    count = getattr(report, "joined_count", None)
    return count if count is not None else report.followers.filter(joined=True).count()


def report_public_replies(report: ResidentReport) -> list[dict]:
    """The handlers' replies on the report's work order: the lead unit's replies (what was done)
    and the co-handlers' (who the unit contacted stays private)."""
    if not report.work_order_id:
        return []
    events = report.work_order.events.filter(
        kind__in=[WorkOrderEvent.Kind.HANDLED, WorkOrderEvent.Kind.CO_REPLIED]
    ).select_related("unit")
    return [
        {
            "unit": event.unit.name if event.unit_id else "",
            "text": event.note,
            "lead": event.kind == WorkOrderEvent.Kind.HANDLED,
            "created_at": _local_iso(event.created_at),
            "created": event.created_at,
        }
        for event in events
    ]


def report_photo_url(report: ResidentReport, photo) -> str:
    return reverse("dispatch:report-photo", args=[report.tracking_no, photo.pk])


def report_public(report: ResidentReport) -> dict:
    """The public form of a resident report: never the reporter's name, e-mail, account, client
    address or exact position (rounded to about 100 m, as for work orders)."""
    return {
        "tracking_no": report.tracking_no,
        "status": report.status,
        "status_display": str(report.get_status_display()),
        "category": report.category.code,
        "category_name": report.category.display_name,
        "description": report.description,
        "community": report.community.code,
        "community_name": report.community.name,
        "grid": report.grid.code if report.grid_id else None,
        "grid_name": report.grid.name if report.grid_id else "",
        "lat": _public_coordinate(report.lat),
        "long": _public_coordinate(report.lon),
        "photos": [report_photo_url(report, p) for p in report.photos.all()],
        "joined_count": report_joined_count(report),
        "reject_reason": report.reject_reason if report.status == ResidentReport.Status.REJECTED else "",
        "replies": [{k: v for k, v in r.items() if k != "created"} for r in report_public_replies(report)],
        "rating": report.rating,
        "created_at": _local_iso(report.created_at),
        "updated_at": _local_iso(report.updated_at),
        "url": reverse("dispatch:report-track", args=[report.tracking_no]),
    }


def report_map_points(reports) -> list[dict]:
    """Markers for open reports (rounded positions): the public map."""
    return [
        {
            "id": r.tracking_no,
            "lat": float(_public_coordinate(r.lat)),
            "lon": float(_public_coordinate(r.lon)),
            "label": f"{r.tracking_no} {r.category.display_name} · {r.get_status_display()}",
            "url": reverse("dispatch:report-track", args=[r.tracking_no]),
        }
        for r in reports
    ]


def report_rate_open(report: ResidentReport) -> bool:
    """Whether the reporter may rate now: the order is handled (or closed), and not yet rated
    since it was last handled."""
    order = report.work_order
    if order is None or order.status not in (WorkOrder.Status.HANDLED, WorkOrder.Status.CLOSED):
        return False
    if report.rated_at is None:
        return True
    return bool(order.handled_at and order.handled_at > report.rated_at)


def report_rate_limited(
    *, client_address: str | None, email: str, since: dt.datetime, per_client: int, per_email: int
) -> bool:
    """Whether this client address or e-mail already sent as many reports and joins since
    ``since`` as allowed."""
    if client_address:
        sent = ResidentReport.objects.filter(client_address=client_address, created_at__gte=since).count()
        sent += ReportFollower.objects.filter(client_address=client_address, created_at__gte=since).count()
        if sent >= per_client:
            return True
    if email:
        sent = ResidentReport.objects.filter(email__iexact=email, created_at__gte=since).count()
        sent += ReportFollower.objects.filter(email__iexact=email, joined=True, created_at__gte=since).count()
        if sent >= per_email:
            return True
    return False


def reports_to_triage(*, community_ids) -> QuerySet[ResidentReport]:
    """Reports waiting for review in these communities (the workspace count)."""
    return ResidentReport.objects.filter(community_id__in=community_ids, status=ResidentReport.Status.SUBMITTED)


def reports_of_reporter(*, user) -> QuerySet[ResidentReport]:
    """The reports a signed-in person made (their own list; the public list shows them too)."""
    if not getattr(user, "is_authenticated", False):
        return ResidentReport.objects.none()
    return ResidentReport.objects.filter(reporter=user)
