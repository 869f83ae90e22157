from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.organizations.models import Organization


def organization_list(*, filters: dict | None = None) -> QuerySet[Organization]:
    from apps.organizations.filters import OrganizationFilter

    qs = Organization.objects.select_related("region")
    return OrganizationFilter(filters or {}, queryset=qs).qs


def organization_get_for_user(*, user, pk) -> Organization:
    """Organization profiles are public (registration status included)."""
    try:
        return Organization.objects.select_related("region").get(pk=int(pk))
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None
