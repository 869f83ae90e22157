from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Membership, Role
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.organizations.filters import OrganizationFilter
from apps.organizations.models import Organization


def organization_list(*, filters: dict | None = None) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region")
    return OrganizationFilter(filters or {}, queryset=qs).qs


def organization_get_for_user(*, user, pk) -> Organization:
    """Organization profiles are public (registration status included)."""
    try:
        return Organization.objects.select_related("region").get(pk=parse_id(pk))
    except Organization.DoesNotExist:
        raise NotFound("Not found.") from None


def organization_verification_queue() -> QuerySet[Organization]:
    """Organizations pending verification, oldest first, with the facts a verifier checks and
    who registered them (their active administrators), in a fixed number of queries."""

    admins = Membership.objects.active().filter(role=Role.ORG_ADMIN).select_related("user").order_by("id")
    return (
        Organization.objects.filter(status=Organization.Status.PENDING)
        .select_related("region")
        .prefetch_related(Prefetch("memberships", queryset=admins, to_attr="admin_memberships"))
        .order_by("created_at", "pk")
    )


def organization_pending_get(*, pk) -> Organization:
    try:
        return organization_verification_queue().get(pk=parse_id(pk))
    except Organization.DoesNotExist:
        raise NotFound("Not found.") from None


def organization_employs(*, organization_id: int, user_id: int) -> bool:
    """Whether the user is a social worker the organization employs today (an active membership)."""
    return (
        Membership.objects.active()
        .filter(organization_id=organization_id, user_id=user_id, role=Role.SOCIAL_WORKER)
        .exists()
    )
