"""Who holds which role where. Every permission check in the project starts here."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from apps.accounts.models import Membership, Role


def memberships_active(user) -> list[Membership]:
    """Active memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("community", "organization", "fund", "region", "unit")
        )
        user._active_memberships = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return any(m.role in roles for m in memberships_active(user))


def is_platform_staff(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or user_has_role(user, Role.PLATFORM_STAFF)


def user_community_ids(user, roles=(Role.COMMUNITY_STAFF,)) -> set[int]:
    return {m.community_id for m in memberships_active(user) if m.role in roles and m.community_id}


def user_organization_ids(user, roles=(Role.ORG_ADMIN, Role.ORG_MEMBER)) -> set[int]:
    return {m.organization_id for m in memberships_active(user) if m.role in roles and m.organization_id}


def user_fund_ids(user) -> set[int]:
    return {m.fund_id for m in memberships_active(user) if m.role == Role.FUND_MANAGER and m.fund_id}


def user_unit_ids(user) -> set[int]:
    return {m.unit_id for m in memberships_active(user) if m.role == Role.UNIT_STAFF and m.unit_id}


def user_officer_regions(user) -> list:
    return [
        m.region
        for m in memberships_active(user)
        if m.role in (Role.STREET_OFFICER, Role.DISTRICT_OFFICER) and m.region_id
    ]


def user_requires_mfa(user) -> bool:
    return user_has_role(user, *settings.SANSHE_MFA_ROLES)


def user_was_member_since(user, since, *, community_id=None, organization_ids=()) -> bool:
    """True if ``user`` is, or was after ``since``, a member of that community or organizations
    (any role). Used by conflict-of-interest rules with the policy's look-back."""

    scope = Q()
    if community_id:
        scope |= Q(community_id=community_id)
    if organization_ids:
        scope |= Q(organization_id__in=list(organization_ids))
    if not scope:
        return False
    return (
        Membership.objects.filter(user=user)
        .filter(scope)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .exists()
    )
