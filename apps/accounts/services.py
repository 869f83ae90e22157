from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ROLE_SCOPE, ApiToken, LoginFailure, Membership, Role, User
from apps.accounts.selectors import api_token_key_hash, user_for_login, user_requires_mfa
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.selectors import policy_current

# A token's ``last_used_at`` is written at most this often, so reading the API is not a write per request.
API_TOKEN_LAST_USED_RESOLUTION = timezone.timedelta(minutes=5)


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
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def api_token_issue(*, user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for the policy's ``api_token_days``. Returns the token and
    its key; only the key's hash is kept, so the key can't be shown again."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=api_token_key_hash(key),
        label=label,
        created_at=now,
        expires_at=now + timezone.timedelta(days=policy_current().api_token_days),
    )
    return token, key


def token_for(*, user: User, label: str = "") -> str:
    """The key of a new token for ``user`` (``create_account --print-token``, tests)."""
    return api_token_issue(user=user, label=label)[1]


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def api_token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TooManySignInFailures(ApplicationError):
    status_code = 429


def api_token_sign_in(
    *, request, identifier: str, password: str, otp: str = "", label: str = "", ip: str | None = None
) -> tuple[ApiToken, str]:
    """``POST auth/token/``: a new token for the account ``identifier`` (username or e-mail) names.

    Refused while the account is locked out (429). A wrong password, or for an MFA role a missing
    or wrong one-time code, is a failed attempt towards the lockout. ``request`` is passed to the
    authentication backends."""
    if login_is_locked(username=identifier):
        raise TooManySignInFailures(_("Too many failed sign-ins. Try again in 15 minutes."))
    user = authenticate(request, username=identifier, password=password)
    try:
        if user is None or not user.is_active:
            raise ValidationFailed(_("Unable to sign in with these credentials."))
        _second_factor_check(user=user, code=otp)
    except ValidationFailed:
        login_failure_record(username=identifier, ip=ip)
        raise
    login_failures_clear(username=identifier)
    return api_token_issue(user=user, label=label)


def _second_factor_check(*, user: User, code: str) -> None:
    """Platform staff, reviewers and fund managers prove their one-time code (TOTP), as on the web."""
    if not (settings.SANSHE_ENFORCE_MFA and user_requires_mfa(user)):
        return
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise ValidationFailed(
            field_errors={"otp": [_("Your role needs a one-time code (TOTP): set it up on the web first.")]}
        )
    if not code:
        raise ValidationFailed(field_errors={"otp": [_("Enter the one-time code from your authenticator app.")]})
    if not TOTP(authenticator).validate_code(code):
        raise ValidationFailed(field_errors={"otp": [_("This one-time code is wrong or was already used.")]})
    authenticator.record_usage()


def _login_failures(identifier: str):
    """Failures that count against this identifier: its account's (by username or e-mail alike),
    or the identifier's own when it names no account."""
    user = user_for_login(identifier)
    if user is not None:
        return LoginFailure.objects.filter(user=user), user
    return LoginFailure.objects.filter(user=None, username=identifier.lower()[:150]), None


def login_is_locked(*, username: str) -> bool:
    since = timezone.now() - timezone.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    failures = _login_failures(username)[0]
    return failures.filter(created_at__gte=since).count() >= settings.LOGIN_LOCKOUT_ATTEMPTS


def login_failure_record(*, username: str, ip: str | None) -> None:
    user = _login_failures(username)[1]
    LoginFailure.objects.create(user=user, username=username.lower()[:150], ip=ip)


def login_failures_clear(*, username: str) -> None:
    _login_failures(username)[0].delete()
