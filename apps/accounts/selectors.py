"""Who holds which role where. Every permission check in the project starts here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from allauth.account.utils import filter_users_by_email, filter_users_by_username
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ApiToken, Membership, Role, User
from apps.core.errors import NotFound


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


_ANYWHERE = object()


def users_with_role(
    role: str | Iterable[str],
    *,
    community=_ANYWHERE,
    organization=_ANYWHERE,
    fund=_ANYWHERE,
    region=_ANYWHERE,
    unit=_ANYWHERE,
) -> QuerySet[User]:
    """The users holding ``role`` (or any of several roles) through an active membership, each
    once. A scope narrows it to memberships of that community, organization, fund, officer region
    or unit: an object, an id, or several (a list or a queryset of ids); no scope is anywhere.
    Platform staff are also the active superusers, as ``is_platform_staff`` says."""
    roles = [role] if isinstance(role, str) else list(role)
    scope = {"community": community, "organization": organization, "fund": fund, "region": region, "unit": unit}
    lookups = {}
    for field, value in scope.items():
        if value is _ANYWHERE:
            continue
        if isinstance(value, QuerySet | list | tuple | set | frozenset):
            lookups[f"{field}__in"] = value
        else:
            lookups[field] = value
    held = Q(pk__in=Membership.objects.active().filter(role__in=roles, **lookups).values("user_id"))
    if Role.PLATFORM_STAFF in roles and not lookups:
        held |= Q(is_superuser=True, is_active=True)
    return User.objects.filter(held)


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


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_mfa_pending(user) -> bool:
    """True for a signed-in user of an MFA role who has not enrolled TOTP yet. Pages send such a
    user to enrol; the API refuses their session (one rule for both)."""
    return bool(
        settings.SANSHE_ENFORCE_MFA
        and getattr(user, "is_authenticated", False)
        and user_requires_mfa(user)
        and not user_has_totp(user)
    )


def user_for_login(identifier: str) -> User | None:
    """The one account a sign-in identifier names: its username or its e-mail address (as
    allauth matches them); None for no account or an ambiguous address."""
    users = list(filter_users_by_username(identifier)) or filter_users_by_email(identifier, prefer_verified=True)
    return users[0] if len(users) == 1 else None


def api_token_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_by_key(key: str) -> ApiToken | None:
    """The token with this key (expired or not), with its user."""
    return ApiToken.objects.select_related("user").filter(key_hash=api_token_key_hash(key)).first()


def api_token_user(key: str) -> User | None:
    """The active user an unexpired token with this key belongs to (Open311's ``api_key``)."""
    token = api_token_by_key(key)
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token.user


def api_tokens_of_user(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user, token_id) -> ApiToken:
    """One of the user's own tokens; anyone else's (or none) is 404."""
    token = api_tokens_of_user(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    return token


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
