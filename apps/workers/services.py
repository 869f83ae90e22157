from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.selectors import is_platform_staff, user_has_role, users_with_role
from apps.accounts.services import membership_add
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.uploads import validate_upload
from apps.notifications.services import notify
from apps.workers.access import training_verifying_organization
from apps.workers.models import SocialWorker, Training, TrainingWarning
from apps.workers.selectors import (
    registration_period,
    training_hours_required,
    workers_short_of_training,
)


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


# Continuing education (继续教育) ------------------------------------------------------------

# Warnings go out this many days before the registration ends, the first one first.
TRAINING_WARNING_DAYS = (180, 60)


def _employer_admins(worker: SocialWorker):
    employers = worker.user.memberships.active().filter(role=Role.SOCIAL_WORKER, organization__isnull=False)
    return users_with_role(Role.ORG_ADMIN, organization=employers.values("organization_id"))


@transaction.atomic
def training_submit(
    *,
    actor: User,
    title: str,
    provider: str,
    hours: Decimal,
    completed_on: dt.date,
    kind: str,
    certificate,
) -> Training:
    """A worker records a piece of continuing education with its certificate (a PDF or an image,
    checked by content and size); it waits for an administrator of their employer to verify it.

    Refused (400): hours not above zero or above the period's whole requirement; a completion
    date in the future or before the current registration period."""
    worker = SocialWorker.objects.filter(user=actor).first()
    if worker is None:
        raise PermissionDenied(_("Only a social worker with a profile records continuing education."))
    errors: dict[str, list[str]] = {}
    required = training_hours_required(worker)
    if hours is None or hours <= 0:
        errors["hours"] = [_("The hours must be more than zero.")]
    elif hours > required:
        errors["hours"] = [
            _("One training counts at most %(max)s hours, the whole period's requirement.") % {"max": required}
        ]
    start, end = registration_period(worker)
    today = timezone.localdate()
    if completed_on > today:
        errors["completed_on"] = [_("The completion date cannot be in the future.")]
    elif completed_on < start:
        errors["completed_on"] = [
            _("Your current registration period began on %(start)s; earlier training does not count in it.")
            % {"start": start.isoformat()}
        ]
    mime = None
    if certificate is None:
        errors["certificate"] = [_("Upload the certificate of completion.")]
    else:
        try:
            mime = validate_upload(certificate, kinds=("pdf", "image"))
        except ValidationError as exc:
            errors["certificate"] = [
                _("The certificate must be a PDF or an image.") if exc.code == "type" else str(m) for m in exc.messages
            ]
    if errors:
        raise ValidationFailed(_("The training could not be recorded."), field_errors=errors)
    training = Training(
        worker=worker,
        title=title.strip(),
        provider=provider.strip(),
        hours=hours,
        completed_on=completed_on,
        kind=kind,
        certificate=certificate,
        certificate_name=certificate.name[-200:],
        certificate_mime=mime,
    )
    try:
        training.full_clean(exclude=["certificate"])
    except ValidationError as exc:
        raise ValidationFailed(_("The training could not be recorded."), field_errors=exc.message_dict) from None
    training.save()
    notify(
        users=_employer_admins(worker),
        kind="training_submitted",
        title=_("%(name)s recorded %(hours)s hours of continuing education to verify")
        % {"name": worker.name, "hours": training.hours},
        url=reverse("training-queue"),
    )
    return training


def _decide(*, actor: User, training: Training, status: str, reason: str = "") -> Training:
    organization = training_verifying_organization(actor, training)
    training = Training.objects.select_for_update().select_related("worker", "worker__user").get(pk=training.pk)
    if training.status != Training.Status.PENDING:
        if training.status == Training.Status.VERIFIED:
            raise StateConflict(_("This training was already verified."))
        raise StateConflict(_("This training was already rejected."))
    training.status = status
    training.decided_by = actor
    training.decided_for = organization
    training.decided_at = timezone.now()
    training.rejection_reason = reason
    training.save(update_fields=["status", "decided_by", "decided_for", "decided_at", "rejection_reason"])
    return training


@transaction.atomic
def training_verify(*, actor: User, training: Training) -> Training:
    """An administrator of the worker's employer confirms the training; its hours count."""
    training = _decide(actor=actor, training=training, status=Training.Status.VERIFIED)
    notify(
        users=[training.worker.user],
        kind="training_decided",
        title=_("Your training “%(title)s” was verified: %(hours)s hours count")
        % {"title": training.title, "hours": training.hours},
        body=_("Verified by %(organization)s.") % {"organization": training.decided_for.name},
        url=reverse("my-trainings"),
    )
    return training


@transaction.atomic
def training_reject(*, actor: User, training: Training, reason: str) -> Training:
    """An administrator of the worker's employer refuses the training, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for rejecting.")]})
    training = _decide(actor=actor, training=training, status=Training.Status.REJECTED, reason=reason[:500])
    notify(
        users=[training.worker.user],
        kind="training_decided",
        title=_("Your training “%(title)s” was not verified") % {"title": training.title},
        body=training.rejection_reason,
        url=reverse("my-trainings"),
    )
    return training


def _warning_claim(*, worker: SocialWorker, days_before: int) -> bool:
    try:
        with transaction.atomic():
            TrainingWarning.objects.create(worker=worker, period_end=worker.registered_until, days_before=days_before)
    except IntegrityError:
        return False
    return True


def trainings_warn_shortfall(*, today: dt.date | None = None) -> int:
    """Warn each worker whose registration ends within 180 days, and again within 60 days, while
    their verified continuing education is short, and the administrators of their employers; each
    warning once per registration period. Returns the warnings sent."""
    today = today or timezone.localdate()
    sent = 0
    for worker, summary in workers_short_of_training(today=today, within_days=max(TRAINING_WARNING_DAYS)):
        days_left = (worker.registered_until - today).days
        stage = min(d for d in TRAINING_WARNING_DAYS if d >= days_left)
        if not _warning_claim(worker=worker, days_before=stage):
            continue
        values = {
            "name": worker.name,
            "end": summary.period_end.isoformat(),
            "verified": summary.verified_hours,
            "required": summary.required,
            "remaining": summary.remaining,
        }
        notify(
            users=[worker.user],
            kind="training_shortfall",
            title=_("Your registration ends on %(end)s: %(remaining)s hours of continuing education are still missing")
            % values,
            body=_("Verified %(verified)s of %(required)s hours in this registration period.") % values,
            url=reverse("my-trainings"),
        )
        notify(
            users=_employer_admins(worker),
            kind="training_shortfall",
            title=_("%(name)s's registration ends on %(end)s with %(remaining)s hours of continuing education missing")
            % values,
            url=reverse("training-queue"),
        )
        sent += 1
    return sent
