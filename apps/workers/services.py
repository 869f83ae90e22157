from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.selectors import is_platform_staff, user_has_role
from apps.accounts.services import membership_add
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.notifications.services import notify
from apps.workers.models import SocialWorker


@transaction.atomic
def worker_profile_save(*, user: User, name: str, level: str, certificate_no: str, registered_until, skills=()):
    """Create or update the signed-in worker's profile. A changed qualification needs re-verification."""
    if not user_has_role(user, Role.SOCIAL_WORKER):
        membership_add(user=user, role=Role.SOCIAL_WORKER)
    if SocialWorker.objects.filter(certificate_no=certificate_no).exclude(user=user).exists():
        raise ValidationFailed(field_errors={"certificate_no": [_("This certificate number is registered.")]})
    worker = SocialWorker.objects.select_for_update().filter(user=user).first()
    if worker is None:
        worker = SocialWorker(user=user)
    qualification_changed = (worker.level, worker.certificate_no, worker.registered_until) != (
        level,
        certificate_no,
        registered_until,
    )
    worker.name, worker.level, worker.certificate_no, worker.registered_until = (
        name,
        level,
        certificate_no,
        registered_until,
    )
    if qualification_changed:
        worker.verified = False
        worker.verified_at = None
        worker.rejected_at = None
        worker.rejection_reason = ""
    worker.full_clean(exclude=["user"])
    worker.save()
    worker.skills.set(skills)
    return worker


@transaction.atomic
def worker_verify(*, actor: User, worker: SocialWorker) -> SocialWorker:
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff verify social workers."))
    worker = SocialWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.verified:
        raise StateConflict(_("This worker is already verified."))
    worker.verified = True
    worker.verified_at = timezone.now()
    worker.rejected_at = None
    worker.rejection_reason = ""
    if worker.qualified_since is None:
        worker.qualified_since = timezone.localdate()
    worker.save(update_fields=["verified", "verified_at", "qualified_since", "rejected_at", "rejection_reason"])
    return worker


@transaction.atomic
def worker_reject(*, actor: User, worker: SocialWorker, reason: str) -> SocialWorker:
    """Refuse a pending qualification. The worker leaves the queue until they change their
    qualification (level, certificate number or registration date), which re-queues them."""
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff verify social workers."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for rejecting.")]})
    worker = SocialWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.verified or worker.rejected_at is not None:
        raise StateConflict(_("Only a worker pending verification can be rejected."))
    worker.rejected_at = timezone.now()
    worker.rejection_reason = reason[:500]
    worker.save(update_fields=["rejected_at", "rejection_reason"])
    notify(
        users=[worker.user],
        kind="worker_rejected",
        title=_("Your social-worker qualification was not verified"),
        body=worker.rejection_reason,
        url=reverse("workspace"),
    )
    return worker
