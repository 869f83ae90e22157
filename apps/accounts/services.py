from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.accounts.models import ROLE_SCOPE, LoginFailure, Membership, Role, User
from apps.core.errors import ValidationFailed


@transaction.atomic
def membership_add(
    *, user: User, role: str, community=None, organization=None, fund=None, region=None, unit=None
) -> Membership:
    """Give ``user`` a role in a scope; adding an existing active membership returns it."""
    if role not in Role.values:
        raise ValidationFailed(field_errors={"role": [f"Unknown role: {role}."]})
    scope = ROLE_SCOPE[Role(role)]
    given = {"community": community, "organization": organization, "fund": fund, "region": region, "unit": unit}
    if scope and given[scope] is None:
        raise ValidationFailed(field_errors={scope: [f"The role {role} needs a {scope}."]})
    if community is not None and community.level != "community":
        raise ValidationFailed(field_errors={"community": ["Not a community."]})
    if role == Role.STREET_OFFICER and region.level != "street":
        raise ValidationFailed(field_errors={"region": ["A street officer needs a street."]})
    if role == Role.DISTRICT_OFFICER and region.level != "district":
        raise ValidationFailed(field_errors={"region": ["A district officer needs a district."]})
    membership, _ = Membership.objects.get_or_create(user=user, role=role, ended_at=None, **given)
    if role == Role.PLATFORM_STAFF:
        _platform_staff_group_join(user)
    if hasattr(user, "_active_memberships"):
        del user._active_memberships
    return membership


PLATFORM_STAFF_GROUP = "Platform staff"
PLATFORM_STAFF_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("core", "add_policyversion"),
    ("core", "change_policyversion"),
    ("core", "view_policyversion"),
)


def _platform_staff_group_join(user) -> None:
    """Platform staff use the Wagtail admin for policy values (and editors' work)."""

    group, created = Group.objects.get_or_create(name=PLATFORM_STAFF_GROUP)
    if created or not group.permissions.exists():
        for app_label, codename in PLATFORM_STAFF_PERMISSIONS:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)
    user.groups.add(group)


def membership_end(*, membership: Membership) -> Membership:
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    return membership


@transaction.atomic
def account_create(
    *, username: str, password: str, email: str = "", display_name: str = "", check_password: bool = True
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(field_errors={"username": ["This username is taken."]})
    user = User(username=username, email=email, display_name=display_name)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(field_errors={"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if email:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def token_for(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def login_is_locked(*, username: str) -> bool:
    since = timezone.now() - timezone.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    failures = LoginFailure.objects.filter(username=username.lower(), created_at__gte=since).count()
    return failures >= settings.LOGIN_LOCKOUT_ATTEMPTS


def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
