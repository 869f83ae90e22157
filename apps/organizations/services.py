from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role, User
from apps.accounts.selectors import is_platform_staff, user_organization_ids, users_with_role
from apps.accounts.services import membership_add
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.notifications.services import notify
from apps.organizations.models import Organization


@transaction.atomic
def organization_register(*, actor: User, **fields) -> Organization:
    """Register an organization; the registering user becomes its org_admin."""
    fields["credit_code"] = (fields.get("credit_code") or "").strip().upper()
    if Organization.objects.filter(credit_code=fields["credit_code"]).exists():
        raise ValidationFailed(
            field_errors={"credit_code": [_("An organization with this credit code is registered.")]}
        )
    org = Organization(**fields)
    org.full_clean()
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ValidationFailed(
            field_errors={"credit_code": [_("An organization with this credit code is registered.")]}
        ) from None
    membership_add(user=actor, role=Role.ORG_ADMIN, organization=org)
    return org


@transaction.atomic
def organization_verify(*, actor: User, organization: Organization) -> Organization:
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff verify organizations."))
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status == Organization.Status.VERIFIED:
        raise StateConflict(_("This organization is already verified."))
    org.status = Organization.Status.VERIFIED
    org.verified_at = timezone.now()
    org.verified_by = actor
    org.rejected_at = None
    org.rejection_reason = ""
    org.save(update_fields=["status", "verified_at", "verified_by", "rejected_at", "rejection_reason"])
    return org


@transaction.atomic
def organization_reject(*, actor: User, organization: Organization, reason: str) -> Organization:
    """Refuse a pending registration; the reason is kept and sent to the organization's administrators."""
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff verify organizations."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for rejecting.")]})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status != Organization.Status.PENDING:
        raise StateConflict(_("Only an organization pending verification can be rejected."))
    org.status = Organization.Status.REJECTED
    org.rejected_at = timezone.now()
    org.rejection_reason = reason[:500]
    org.save(update_fields=["status", "rejected_at", "rejection_reason"])
    _notify_admins_of_rejection(org)
    return org


def _notify_admins_of_rejection(org: Organization) -> None:
    notify(
        users=users_with_role(Role.ORG_ADMIN, organization=org),
        kind="organization_rejected",
        title=_("The registration of %(name)s was not verified") % {"name": org.name},
        body=org.rejection_reason,
        url=org.get_absolute_url(),
    )


MEMBER_ROLES = (Role.ORG_ADMIN, Role.ORG_MEMBER, Role.SOCIAL_WORKER)


@transaction.atomic
def organization_member_add(*, actor: User, organization: Organization, username: str, role: str) -> Membership:
    if organization.pk not in user_organization_ids(actor, roles=(Role.ORG_ADMIN,)):
        raise PermissionDenied(_("Only this organization's administrators add members."))
    if role not in MEMBER_ROLES:
        raise ValidationFailed(field_errors={"role": [_("One of: org_admin, org_member, social_worker.")]})
    try:
        member = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationFailed(field_errors={"username": [_("No account with this username.")]}) from None
    return membership_add(user=member, role=role, organization=organization)
