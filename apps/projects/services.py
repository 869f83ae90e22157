"""Writes for projects, milestones and service-hour records. One service per state transition."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import user_community_ids, user_organization_ids, users_with_role
from apps.core.aggregates import DecimalSum
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.models import PolicyVersion
from apps.core.money import allocate, decimal_to_fen, fen_to_decimal
from apps.core.selectors import policy_current
from apps.core.uploads import validate_upload
from apps.funds.payouts import award_reserve, grant_release, milestone_payout
from apps.notifications.services import notify
from apps.organizations.selectors import organization_employs
from apps.projects import partitioning
from apps.projects.models import (
    DeliveryRating,
    Milestone,
    MilestoneAttachment,
    Project,
    ProjectTeamChange,
    ProjectTeamMember,
    ReminderSent,
    ServiceLog,
    ServiceLogAmendment,
    ServiceRecord,
)
from apps.projects.selectors import worker_confirmed_logs
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_is_qualified_on

MINUTE = Decimal(60)
TWO_PLACES = Decimal("0.01")


@transaction.atomic
def project_create_from_award(*, need, proposal) -> Project:
    """Turn an awarded proposal into a project: team, milestones, and the grant the award
    reserved in the fund, which the project takes over (its milestones post from it; see
    ``apps.funds.payouts``). ``award_reserve`` finds that reservation, or makes it for a caller
    that skipped the award (``FundShortfall``, a 409, when the fund can't cover it).

    Milestone amounts are split from the contract amount by payment share with
    ``apps.core.money.allocate`` (largest remainder, ties to the earlier milestone), not by
    "the last milestone takes the remainder": DESIGN.md requires every share split to use the
    largest-remainder rule, so each milestone is within one fen of its exact share and the
    amounts still sum exactly to the contract amount. The remainder rule would push up to
    n-1 fen of rounding onto the last milestone.
    """

    project = Project.objects.create(
        need=need,
        proposal=proposal,
        organization=proposal.organization,
        community=need.community,
        fund=need.fund,
        title=proposal.title,
        amount=proposal.total_amount,
        start_date=need.service_start,
        end_date=need.service_end,
    )
    start = max(need.service_start, timezone.localdate())
    ProjectTeamMember.objects.bulk_create(
        [
            ProjectTeamMember(project=project, worker=member.worker, role=member.role, start_date=start)
            for member in proposal.team.all()
        ]
    )
    milestones = list(proposal.milestones.all())
    amounts = allocate(decimal_to_fen(proposal.total_amount), [m.payment_percent for m in milestones])
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=project,
                position=i,
                title=m.title,
                due_date=m.due_date,
                payment_percent=m.payment_percent,
                amount=fen_to_decimal(fen),
            )
            for i, (m, fen) in enumerate(zip(milestones, amounts, strict=True))
        ]
    )
    award_reserve(need=need, proposal=proposal)
    return project


# --- team -------------------------------------------------------------------------------------


def _require_org_admin(actor, project: Project) -> None:
    if project.organization_id not in user_organization_ids(actor, roles=(Role.ORG_ADMIN,)):
        raise PermissionDenied(_("Only the organization's administrator may do this."))


def _require_community_staff(actor, project: Project) -> None:
    if project.community_id not in user_community_ids(actor):
        raise PermissionDenied(_("Only the community's staff may do this."))


@transaction.atomic
def project_team_add(
    *, actor, project: Project, worker: SocialWorker, role: str, start_date: dt.date
) -> ProjectTeamMember:
    """Add a worker to the team: qualified on the start date and employed by the organization."""
    _require_org_admin(actor, project)
    if project.status != Project.Status.ACTIVE:
        raise StateConflict(_("The project is not active."))
    if not (project.start_date <= start_date <= project.end_date):
        raise ValidationFailed(field_errors={"start_date": [_("Must be within the project period.")]})
    if not worker_is_qualified_on(worker, start_date, project.need.min_worker_level):
        raise ValidationFailed(
            field_errors={"worker": [_("The worker is not verified, qualified or registered on that date.")]}
        )
    if not organization_employs(organization_id=project.organization_id, user_id=worker.user_id):
        raise ValidationFailed(field_errors={"worker": [_("The worker is not employed by the organization.")]})
    current = project.team.filter(worker=worker).exclude(end_date__lt=start_date)
    if current.exists():
        raise ValidationFailed(field_errors={"worker": [_("The worker is already on the team.")]})
    member = ProjectTeamMember.objects.create(project=project, worker=worker, role=role, start_date=start_date)
    ProjectTeamChange.objects.create(
        project=project,
        member=member,
        action=ProjectTeamChange.Action.ADDED,
        effective_date=start_date,
        changed_by=actor,
    )
    return member


@transaction.atomic
def project_team_end(*, actor, member: ProjectTeamMember, end_date: dt.date) -> ProjectTeamMember:
    """A worker leaves the team on ``end_date`` (the row stays: it is the team's history)."""
    project = member.project
    _require_org_admin(actor, project)
    member = ProjectTeamMember.objects.select_for_update().get(pk=member.pk)
    if member.end_date is not None:
        raise StateConflict(_("This worker has already left the team."))
    if end_date < member.start_date:
        raise ValidationFailed(field_errors={"end_date": [_("Must not be before the start on the team.")]})
    member.end_date = end_date
    member.save(update_fields=["end_date"])
    ProjectTeamChange.objects.create(
        project=project, member=member, action=ProjectTeamChange.Action.ENDED, effective_date=end_date, changed_by=actor
    )
    return member


# --- milestones -------------------------------------------------------------------------------


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)


MAX_MILESTONE_ATTACHMENTS = 10


def _checked_uploads(uploads) -> list[str]:
    """The sniffed MIME type of each upload (apps/core/uploads: by content, at most 10 MB), or a
    400 on ``attachments`` naming every bad file."""

    if len(uploads) > MAX_MILESTONE_ATTACHMENTS:
        raise ValidationFailed(
            field_errors={"attachments": [_("At most %(n)s attachments.") % {"n": MAX_MILESTONE_ATTACHMENTS}]}
        )
    mimes, errors = [], []
    for uploaded in uploads:
        try:
            mimes.append(validate_upload(uploaded))
        except ValidationError as exc:
            name = (uploaded.name or "").rsplit("/", 1)[-1][:80]
            errors.extend(f"{name}: {message}" for message in exc.messages)
    if errors:
        raise ValidationFailed(field_errors={"attachments": errors})
    return mimes


@transaction.atomic
def milestone_submit(*, actor, milestone: Milestone, report: str, attachments=()) -> Milestone:
    """The organization submits its report (text plus attachments) for the community to review.
    A resubmission after a return adds its files to the earlier ones, which stay on record."""
    milestone = _locked_milestone(milestone)
    if milestone.project.organization_id not in user_organization_ids(actor):
        raise PermissionDenied(_("Only the project's organization may submit a report."))
    if milestone.status not in (Milestone.Status.PENDING, Milestone.Status.RETURNED):
        raise StateConflict(_("This milestone was already submitted or accepted."))
    report = (report or "").strip()
    if not report:
        raise ValidationFailed(field_errors={"report": [_("Describe what was delivered.")]})
    attachments = list(attachments or ())
    mimes = _checked_uploads(attachments)
    milestone.report = report
    milestone.status = Milestone.Status.SUBMITTED
    milestone.submitted_at = timezone.now()
    milestone.full_clean()
    milestone.save()
    for uploaded, mime in zip(attachments, mimes, strict=True):
        MilestoneAttachment.objects.create(
            milestone=milestone,
            file=uploaded,
            name=(uploaded.name or "file").rsplit("/", 1)[-1][:200],
            mime=mime,
            size=uploaded.size,
            uploaded_by=actor,
        )
    return milestone


@transaction.atomic
def milestone_accept(*, actor, milestone: Milestone) -> Milestone:
    """Accept a submitted milestone and pay its amount, exactly once: the row is locked, so a
    second (even concurrent) accept finds it accepted and is a 409 that pays nothing."""

    milestone = _locked_milestone(milestone)
    _require_community_staff(actor, milestone.project)
    if milestone.status != Milestone.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted milestone can be accepted."))
    milestone.status = Milestone.Status.ACCEPTED
    milestone.accepted_at = timezone.now()
    milestone.accepted_by = actor
    milestone.paid_amount = milestone.amount
    milestone.save()
    milestone_payout(milestone=milestone)
    project = Project.objects.select_for_update().get(pk=milestone.project_id)
    if not project.milestones.exclude(status=Milestone.Status.ACCEPTED).exists():
        project.status = Project.Status.COMPLETED
        project.save(update_fields=["status"])
        grant_release(project=project)
    return milestone


@transaction.atomic
def milestone_return(*, actor, milestone: Milestone, reason: str) -> Milestone:
    milestone = _locked_milestone(milestone)
    _require_community_staff(actor, milestone.project)
    if milestone.status != Milestone.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted milestone can be returned."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give a reason.")]})
    milestone.status = Milestone.Status.RETURNED
    milestone.returned_reason = reason[:500]
    milestone.save()
    return milestone


@transaction.atomic
def delivery_rating_record(
    *, actor, project: Project, rating: int, milestone: Milestone | None = None, comment: str = ""
) -> DeliveryRating:
    """The community rates a project's delivery (1–5), once per accepted milestone, or once for
    the project as a whole when no milestone is named."""

    _require_community_staff(actor, project)
    if not 1 <= int(rating) <= 5:
        raise ValidationFailed(field_errors={"rating": [_("A rating is from 1 to 5.")]})
    if milestone is not None:
        if milestone.project_id != project.pk:
            raise ValidationFailed(field_errors={"milestone": [_("This milestone is not of the project.")]})
        if milestone.status != Milestone.Status.ACCEPTED:
            raise StateConflict(_("Rate a milestone's delivery once it is accepted."))
        if DeliveryRating.objects.filter(milestone=milestone).exists():
            raise StateConflict(_("This milestone's delivery is already rated."))
    elif DeliveryRating.objects.filter(project=project, milestone__isnull=True).exists():
        raise StateConflict(_("The project's delivery is already rated."))
    return DeliveryRating.objects.create(
        project=project,
        milestone=milestone,
        rating=int(rating),
        comment=comment,
        rated_by=actor,
        rated_on=timezone.localdate(),
    )


# --- service-hour records ---------------------------------------------------------------------


def service_hours(start: dt.time, end: dt.time) -> Decimal:
    """Hours between two times of one day, two decimals: 09:00–11:30 is 2.50."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / MINUTE).quantize(TWO_PLACES)


@dataclass(frozen=True)
class _LogFacts:
    daily_hours_cap: Decimal
    late_logging_days: int
    on_team: bool
    logged_hours: Decimal
    overlapping: int


_POLICY_COLUMNS = "daily_hours_cap, late_logging_days"


def _log_facts(
    *, worker: SocialWorker, project: Project, date: dt.date, start_time: dt.time, end_time: dt.time, exclude_ids
) -> _LogFacts:
    """What the refusal rules need from the database, read under the worker's lock in as few
    round trips as the lock allows (this is the hot path of bench/projects: a record must cost
    at most 5x a plain insert).

    The lock serializes all record writes of one worker, so the overlap and daily-cap checks
    can't be passed by two concurrent submissions. On PostgreSQL the worker row is locked with
    FOR UPDATE; the same statement reads the policy in force and the team membership. The day's
    records are read by a second statement, whose snapshot is taken after the lock is held, so
    it sees every record committed by a writer that held the lock before (one statement can't do
    both: its snapshot would predate the wait). SQLite runs every transaction as IMMEDIATE
    (settings), which already serializes writers, so there everything is one statement.
    """
    ops = connection.ops
    log_table = ServiceLog._meta.db_table
    exclude = [int(pk) for pk in exclude_ids]
    day_sql = (
        f"SELECT COALESCE(SUM(hours), 0), "  # noqa: S608 (table names from models, values bound)
        f"COALESCE(SUM(CASE WHEN start_time < %s AND end_time > %s THEN 1 ELSE 0 END), 0) "
        f"FROM {log_table} WHERE worker_id = %s AND date = %s AND superseded_at IS NULL "
        f"AND status IN ({', '.join(['%s'] * len(ServiceLog.LIVE_STATUSES))})"
        + (f" AND id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else "")
    )
    day_params = [
        ops.adapt_timefield_value(end_time),
        ops.adapt_timefield_value(start_time),
        worker.pk,
        ops.adapt_datefield_value(date),
        *ServiceLog.LIVE_STATUSES,
        *exclude,
    ]
    policy_sql = f"SELECT {_POLICY_COLUMNS} FROM {PolicyVersion._meta.db_table} ORDER BY version DESC LIMIT 1"  # noqa: S608
    team_sql = (
        f"SELECT 1 FROM {ProjectTeamMember._meta.db_table} WHERE project_id = %s AND worker_id = %s "  # noqa: S608
        f"AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)"
    )
    team_params = [project.pk, worker.pk, ops.adapt_datefield_value(date), ops.adapt_datefield_value(date)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT p.*, EXISTS({team_sql}), d.* FROM ({day_sql}) d LEFT JOIN ({policy_sql}) p ON 1 = 1",  # noqa: S608
                [*team_params, *day_params],
            )
            cap, late_days, on_team, logged, overlapping = cursor.fetchone()
        else:
            cursor.execute(
                f"SELECT p.*, EXISTS({team_sql}) FROM {SocialWorker._meta.db_table} w "  # noqa: S608
                f"LEFT JOIN ({policy_sql}) p ON TRUE WHERE w.id = %s FOR UPDATE OF w",
                [*team_params, worker.pk],
            )
            cap, late_days, on_team = cursor.fetchone()
            cursor.execute(day_sql, day_params)
            logged, overlapping = cursor.fetchone()
    if cap is None:  # no policy saved yet: policy_current() makes the defaults' version
        policy = policy_current()
        cap, late_days = policy.daily_hours_cap, policy.late_logging_days
    return _LogFacts(
        daily_hours_cap=Decimal(str(cap)),
        late_logging_days=int(late_days),
        on_team=bool(on_team),
        logged_hours=Decimal(str(logged)).quantize(TWO_PLACES),
        overlapping=int(overlapping),
    )


def _check_log(
    *,
    worker: SocialWorker,
    project: Project,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    exclude_ids=(),
    now: dt.datetime | None = None,
    late_window: bool = True,
) -> Decimal:
    """Every refusal rule of CONTRACT, each a 400 on its field. Returns the hours.

    Midnight: a record covers one calendar date; the end must be after the start on that same
    date, so service that runs past midnight is logged as two records (one per date).
    """
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    start_time = start_time.replace(second=0, microsecond=0)
    end_time = end_time.replace(second=0, microsecond=0)
    facts = _log_facts(
        worker=worker, project=project, date=date, start_time=start_time, end_time=end_time, exclude_ids=exclude_ids
    )
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    if end_time <= start_time:
        refuse(
            "end_time",
            _("The end must be after the start on the same date; log service past midnight as two records."),
        )
    if date > today:
        refuse("date", _("Service hours cannot be logged for a future date."))
    elif date == today and end_time > now.time():
        refuse("end_time", _("Service hours cannot end in the future."))
    if not (project.start_date <= date <= project.end_date):
        refuse("date", _("The date is outside the project period."))
    if late_window and date < today - dt.timedelta(days=facts.late_logging_days):
        refuse("date", _("Records older than %(days)s days cannot be logged.") % {"days": facts.late_logging_days})
    if not worker_is_qualified_on(worker, date):
        refuse("date", _("You were not verified, qualified or registered on that date."))
    if not facts.on_team:
        refuse("project", _("You are not on this project's team on that date."))
    if project.status != Project.Status.ACTIVE:
        refuse("project", _("The project is not active."))
    if errors:
        raise ValidationFailed(field_errors=errors)

    hours = service_hours(start_time, end_time)
    if facts.overlapping:
        message = _("This overlaps another of your records.")
        raise ValidationFailed(field_errors={"start_time": [message], "end_time": [message]})
    if facts.logged_hours + hours > facts.daily_hours_cap:
        raise ValidationFailed(
            field_errors={
                "end_time": [
                    _("This day would exceed the cap of %(cap)s hours (already %(logged)s).")
                    % {"cap": facts.daily_hours_cap, "logged": facts.logged_hours}
                ]
            }
        )
    return hours


def _text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(field_errors={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed(field_errors={field: [_("At most %(n)s characters.") % {"n": max_length}]})
    return value


@transaction.atomic
def service_log_create(
    *,
    worker: SocialWorker,
    project: Project,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    content: str,
    beneficiaries_served: int,
    now: dt.datetime | None = None,
    amends: ServiceLog | None = None,
    evidence: str = ServiceLog.Evidence.CONFIRMATION,
    witness=None,
    witness_role: str = "",
) -> ServiceLog:
    """Log a record after every refusal rule, checked under the worker's lock (see _log_facts).

    A record evidenced by check-in (``apps.shifts``) names its ``witness``: the community member
    whose code the worker scanned at the place, which stands for the community's confirmation."""
    place = _text(place, "place", 200)
    content = _text(content, "content", 2000)
    hours = _check_log(
        worker=worker,
        project=project,
        date=date,
        start_time=start_time,
        end_time=end_time,
        exclude_ids=[amends.pk] if amends else (),
        now=now,
        # A reviewed correction of a confirmed record may come after the logging window, as
        # long as it stays on the original's date.
        late_window=not (amends and amends.date == date),
    )
    return ServiceLog.objects.create(
        worker=worker,
        project=project,
        date=date,
        start_time=start_time.replace(second=0, microsecond=0),
        end_time=end_time.replace(second=0, microsecond=0),
        place=place,
        content=content,
        beneficiaries_served=beneficiaries_served,
        hours=hours,
        evidence=evidence,
        witness=witness,
        witness_role=witness_role,
    )


def _locked_log(log: ServiceLog) -> ServiceLog:
    return ServiceLog.objects.select_for_update().select_related("project", "worker").get(pk=log.pk)


@transaction.atomic
def service_log_update(*, actor, log: ServiceLog, **changes) -> ServiceLog:
    """The worker corrects their own record while it awaits approval. Approved and confirmed
    records are 409 (a confirmed one is corrected through an amendment)."""
    log = _locked_log(log)
    if log.worker.user_id != actor.pk:
        raise PermissionDenied(_("Only the worker who logged the record may change it."))
    if log.status != ServiceLog.Status.SUBMITTED:
        raise StateConflict(_("Only a record awaiting approval can be changed; request a correction instead."))
    values = {f: changes.get(f, getattr(log, f)) for f in ("project", "date", "start_time", "end_time")}
    log.hours = _check_log(worker=log.worker, exclude_ids=[log.pk], **values)
    for field, value in changes.items():
        if field in ("place", "content"):
            value = _text(value, field, 200 if field == "place" else 2000)
        setattr(log, field, value)
    log.save()
    return log


@transaction.atomic
def service_log_delete(*, actor, log: ServiceLog) -> None:
    log = _locked_log(log)
    if log.worker.user_id != actor.pk:
        raise PermissionDenied(_("Only the worker who logged the record may delete it."))
    if log.status != ServiceLog.Status.SUBMITTED:
        raise StateConflict(_("Only a record awaiting approval can be deleted."))
    log.delete()


@transaction.atomic
def service_log_approve(*, actor, log: ServiceLog) -> ServiceLog:
    log = _locked_log(log)
    _require_org_admin(actor, log.project)
    if log.status != ServiceLog.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted record can be approved."))
    now = timezone.now()
    log.status = ServiceLog.Status.APPROVED
    log.approved_by = actor
    log.approved_at = now
    fields = ["status", "approved_by", "approved_at", "updated_at"]
    if log.evidence == ServiceLog.Evidence.CHECKIN and log.witness_id:
        # The community confirmed it at the place: its witness scanned in and out, so the
        # organization's approval is the last of the three parties.
        log.status = ServiceLog.Status.CONFIRMED
        log.confirmed_by = log.witness
        log.confirmed_at = now
        fields += ["confirmed_by", "confirmed_at"]
    log.save(update_fields=fields)
    return log


@transaction.atomic
def service_log_confirm(*, actor, log: ServiceLog) -> ServiceLog:
    """The community confirms an approved record; a confirmed correction supersedes its original."""
    log = _locked_log(log)
    _require_community_staff(actor, log.project)
    if log.status != ServiceLog.Status.APPROVED:
        raise StateConflict(_("Only a record approved by the organization can be confirmed."))
    now = timezone.now()
    log.status = ServiceLog.Status.CONFIRMED
    log.confirmed_by = actor
    log.confirmed_at = now
    log.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    amendment = ServiceLogAmendment.objects.filter(replacement=log).first()
    if amendment is not None:
        ServiceLog.objects.filter(pk=amendment.original_id, superseded_at__isnull=True).update(superseded_at=now)
    return log


@transaction.atomic
def service_log_reject(*, actor, log: ServiceLog, reason: str) -> ServiceLog:
    """The organization's admin or the community's staff reject a record not yet confirmed."""
    log = _locked_log(log)
    project = log.project
    is_admin = project.organization_id in user_organization_ids(actor, roles=(Role.ORG_ADMIN,))
    is_community = project.community_id in user_community_ids(actor)
    if not (is_admin or is_community):
        raise PermissionDenied(_("Only the organization's administrator or the community's staff may reject."))
    if log.status not in (ServiceLog.Status.SUBMITTED, ServiceLog.Status.APPROVED):
        raise StateConflict(_("A confirmed or rejected record cannot be rejected."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give a reason.")]})
    log.status = ServiceLog.Status.REJECTED
    log.rejected_by = actor
    log.rejected_at = timezone.now()
    log.rejected_reason = reason[:500]
    log.save(update_fields=["status", "rejected_by", "rejected_at", "rejected_reason", "updated_at"])
    return log


@transaction.atomic
def service_log_amend(
    *,
    actor,
    log: ServiceLog,
    reason: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    content: str,
    beneficiaries_served: int,
) -> ServiceLogAmendment:
    """Request a correction of a confirmed record (谁记录谁证明: by the worker who recorded it).
    The original is kept as it is; the corrected values become a new record that is approved and
    confirmed like any other, and only then replaces the original in the totals."""
    original = _locked_log(log)
    if original.worker.user_id != actor.pk:
        raise PermissionDenied(_("Only the worker who logged the record may request a correction."))
    if original.status != ServiceLog.Status.CONFIRMED or original.superseded_at is not None:
        raise StateConflict(_("Only a confirmed record can be corrected; change a pending one directly."))
    if ServiceLogAmendment.objects.filter(
        original=original, replacement__status__in=(ServiceLog.Status.SUBMITTED, ServiceLog.Status.APPROVED)
    ).exists():
        raise StateConflict(_("A correction of this record is already under review."))
    reason = _text(reason, "reason", 500)
    replacement = service_log_create(
        worker=original.worker,
        project=original.project,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place,
        content=content,
        beneficiaries_served=beneficiaries_served,
        amends=original,
    )
    return ServiceLogAmendment.objects.create(
        original=original, replacement=replacement, reason=reason, requested_by=actor
    )


@transaction.atomic
def service_logs_bulk_approve(*, actor, logs) -> int:
    """Approve each record the actor may approve; the others are skipped."""
    count = 0
    for log in logs:
        try:
            service_log_approve(actor=actor, log=log)
        except (StateConflict, PermissionDenied):
            continue
        count += 1
    return count


# --- the worker's record ----------------------------------------------------------------------


@transaction.atomic
def service_record_issue(*, worker: SocialWorker, evidence: str = "") -> ServiceRecord:
    """Issue a service record with a fresh verification number over the confirmed hours (only
    those evidenced by check-in at the place when ``evidence`` is ``"checkin"``)."""

    logs = worker_confirmed_logs(worker=worker, evidence=evidence)
    totals = logs.aggregate(total=DecimalSum("hours"))
    while True:
        number = f"SR{timezone.localdate():%Y%m%d}{secrets.token_hex(4).upper()}"
        if not ServiceRecord.objects.filter(verification_no=number).exists():
            break
    return ServiceRecord.objects.create(
        worker=worker,
        verification_no=number,
        total_hours=totals["total"] or Decimal("0.00"),
        records_count=logs.count(),
        evidence=evidence,
    )


# --- reminders (sent by the jobs in apps/projects/jobs.py) -----------------------------------


def reminder_claim(*, kind: str, key: str) -> bool:
    """True the first time (kind, key) is claimed: a ReminderSent row marks it, and its unique
    (kind, key) stops a second reminder even if two runs race."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def service_logs_remind_waiting(*, submitted: Iterable[ServiceLog], approved: Iterable[ServiceLog]) -> int:
    """Remind the org admins of records waiting for approval (``submitted``) and the community
    staff of records waiting for confirmation (``approved``), once per record and stage."""
    sent = 0
    by_org: dict[int, list[ServiceLog]] = {}
    for log in submitted:
        if reminder_claim(kind="hours-waiting-approval", key=str(log.pk)):
            by_org.setdefault(log.project.organization_id, []).append(log)
    for org_id, logs in by_org.items():
        notify(
            users=users_with_role(Role.ORG_ADMIN, organization=org_id),
            kind="hours_waiting",
            title=_("%(n)s service-hour records have waited more than 3 days for approval") % {"n": len(logs)},
            url=reverse("projects:approve-queue"),
        )
        sent += len(logs)
    by_community: dict[int, list[ServiceLog]] = {}
    for log in approved:
        if reminder_claim(kind="hours-waiting-confirmation", key=str(log.pk)):
            by_community.setdefault(log.project.community_id, []).append(log)
    for community_id, logs in by_community.items():
        notify(
            users=users_with_role(Role.COMMUNITY_STAFF, community=community_id),
            kind="hours_waiting",
            title=_("%(n)s service-hour records have waited more than 3 days for confirmation") % {"n": len(logs)},
            url=reverse("projects:confirm-queue"),
        )
        sent += len(logs)
    return sent


def milestones_remind_due(*, milestones: Iterable[Milestone]) -> int:
    """Remind the organization's admins of each milestone report coming due, once per milestone."""
    sent = 0
    for milestone in milestones:
        if not reminder_claim(kind="milestone-due", key=str(milestone.pk)):
            continue
        notify(
            users=users_with_role(Role.ORG_ADMIN, organization=milestone.project.organization_id),
            kind="milestone_due",
            title=_("Milestone “%(title)s” of %(project)s is due on %(date)s")
            % {"title": milestone.title, "project": milestone.project.title, "date": milestone.due_date.isoformat()},
            url=reverse("projects:project-detail", args=[milestone.project_id]),
        )
        sent += 1
    return sent


def workers_remind_registration_expiring(*, workers: Iterable[SocialWorker]) -> int:
    """Remind each worker that their registration ends soon, once per registration end date."""
    sent = 0
    for worker in workers:
        if not reminder_claim(kind="registration-expiring", key=f"{worker.pk}:{worker.registered_until.isoformat()}"):
            continue
        notify(
            users=[worker.user],
            kind="registration_expiring",
            title=_("Your registration ends on %(date)s: renew it to keep logging hours")
            % {"date": worker.registered_until.isoformat()},
            url=reverse("projects:hours-record"),
        )
        sent += 1
    return sent


@transaction.atomic
def servicelog_partitions_ensure(*, today: dt.date) -> list[int]:
    """Make this year's and next year's partition of the service-hour records when one is missing
    (PostgreSQL; SQLite has no partitions). Returns the years made; records of such a year that
    had landed in the DEFAULT partition move into it. See ``apps.projects.partitioning``."""
    return partitioning.partitions_ensure(connection, today=today)
