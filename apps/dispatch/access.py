"""Who may see and act on work orders. Every read of an order for a user goes through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.models import Role
from apps.accounts.selectors import (
    is_platform_staff,
    memberships_active,
    user_community_ids,
    user_officer_regions,
    user_unit_ids,
)
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.dispatch.models import ResidentReport, WorkOrder
from apps.regions.selectors import within_region

REPORTER_ROLES = (Role.COMMUNITY_STAFF, Role.GRID_WORKER)


def work_order_scope(user) -> Q | None:
    """A filter on WorkOrder for what ``user`` may see; None means everything (platform staff)."""
    if is_platform_staff(user):
        return None
    scope = Q(pk__in=[])
    communities = user_community_ids(user, roles=REPORTER_ROLES)
    if communities:
        scope |= Q(community_id__in=communities)
    units = user_unit_ids(user)
    if units:
        scope |= Q(lead_unit_id__in=units) | Q(co_units__in=units)
    for region in user_officer_regions(user):
        scope |= within_region(region, via="community")
    return scope


def work_orders_visible(user) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = work_order_scope(user)
    if scope is None:
        return qs
    # A unit on an order both as lead and co-handler would repeat the row: filter by ids instead.
    return qs.filter(pk__in=WorkOrder.objects.filter(scope).values("pk"))


def user_works_on_dispatch(user) -> bool:
    """Whether ``user`` has a part in work orders (reports, dispatches, handles or oversees them):
    their lists are the orders they work on, in full. Anyone else reads the public orders."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_staff(user) or bool(
        user_community_ids(user, roles=REPORTER_ROLES) or user_unit_ids(user) or user_officer_regions(user)
    )


def work_orders_public() -> QuerySet[WorkOrder]:
    """The orders anyone may see, signed in or not, in their public form only
    (``selectors.work_order_public``): all of them (README, "What is public")."""
    return WorkOrder.objects.select_related("community", "grid", "category", "lead_unit")


def work_order_get_public(*, pk) -> WorkOrder:
    """A public order by id, to be shown in its public form; NotFound when there is none."""
    pk = parse_id(pk)
    order = work_orders_public().filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise NotFound("Work order not found.")
    return order


def work_order_get_for_user(*, user, pk) -> WorkOrder:
    pk = parse_id(pk)
    if pk is None:
        raise NotFound("Work order not found.")
    qs = work_orders_visible(user).select_related("community", "community__parent", "grid", "category", "lead_unit")
    order = qs.filter(pk=pk).first()
    if order is None:
        raise NotFound("Work order not found.")
    return order


# --- what a user may do to a visible order ---------------------------------------------------


def can_report_in(user, community) -> bool:
    return community.pk in user_community_ids(user, roles=REPORTER_ROLES)


def is_community_staff_of(user, order: WorkOrder) -> bool:
    return order.community_id in user_community_ids(user, roles=(Role.COMMUNITY_STAFF,))


def is_lead_unit_staff(user, order: WorkOrder) -> bool:
    return bool(order.lead_unit_id) and order.lead_unit_id in user_unit_ids(user)


def co_unit_of(user, order: WorkOrder):
    """The co-handling unit of ``order`` that ``user`` works in, or None."""
    mine = user_unit_ids(user)
    if not mine:
        return None
    return order.co_units.filter(pk__in=mine).first()


def can_dispatch(user, order: WorkOrder) -> bool:
    """Street officer of the order's street, district officer of its district, or platform staff."""
    if is_platform_staff(user):
        return True
    community = order.community
    for m in memberships_active(user):
        if not m.region_id:
            continue
        if m.role == Role.STREET_OFFICER and m.region.level == "street" and community.is_within(m.region):
            return True
        if m.role == Role.DISTRICT_OFFICER and m.region.level == "district" and community.is_within(m.region):
            return True
    return False


def can_see_reporter_contact(user, order: WorkOrder) -> bool:
    """Reporter phone and e-mail: only the order's community and the lead unit."""
    return order.community_id in user_community_ids(user, roles=REPORTER_ROLES) or is_lead_unit_staff(user, order)


# --- resident reports --------------------------------------------------------------------------


def report_get_public(*, tracking_no: str) -> ResidentReport:
    """A resident report by its tracking number, to be shown in its public form only
    (``selectors.report_public``); every report is public in that form. NotFound otherwise."""
    report = (
        ResidentReport.objects.select_related("community", "grid", "category", "work_order")
        .filter(tracking_no=str(tracking_no)[:12].upper())
        .first()
    )
    if report is None:
        raise NotFound("Report not found.")
    return report


def reports_triage_visible(user) -> QuerySet[ResidentReport]:
    """The reports ``user`` triages (in full): their communities' as grid worker or staff; all of
    them for platform staff (who see, but do not triage)."""
    qs = ResidentReport.objects.select_related("community", "grid", "category", "work_order")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_platform_staff(user):
        return qs
    return qs.filter(community_id__in=user_community_ids(user, roles=REPORTER_ROLES))


def can_triage(user, report: ResidentReport) -> bool:
    return report.community_id in user_community_ids(user, roles=REPORTER_ROLES)
