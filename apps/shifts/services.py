"""Writes for shifts and attendance: create, sign up, cancel, check in and out, close, remind.

Every shift rule is here; the service log a check-out makes goes through
``apps.projects.services.service_log_create``, so its rules (overlap, daily cap, qualification,
team, project period) hold for check-in hours as for any other."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import user_community_ids, user_organization_ids, users_with_role
from apps.core.dates import local_datetime
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.selectors import policy_current
from apps.notifications.services import notify
from apps.projects.models import Project, ProjectTeamMember, ServiceLog
from apps.projects.services import reminder_claim, service_log_create
from apps.shifts import codes
from apps.shifts.access import WITNESS_ROLES, shift_witness_ids
from apps.shifts.models import Attendance, Shift
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_is_qualified_on

EARTH_RADIUS_M = 6_371_000
MAX_BULK_SHIFTS = 200
MAX_BULK_DAYS = 366


def _require_org_admin(actor, project: Project) -> None:
    if project.organization_id not in user_organization_ids(actor, roles=(Role.ORG_ADMIN,)):
        raise PermissionDenied(_("Only the organization's administrator may do this."))


def _clean_shift(
    *,
    project: Project,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    lat,
    long,
    capacity: int,
    min_worker_level: str,
    content: str,
    cap_hours: Decimal,
) -> dict:
    """The shift's fields after every rule, or a 400 naming each wrong field."""
    errors: dict[str, list[str]] = {}
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if end <= start:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    elif end.date() != start.date() and end.time() != dt.time(0, 0):
        errors.setdefault("ends_at", []).append(
            _("A shift starts and ends on the same day (service hours are recorded per day).")
        )
    elif Decimal((end - start).total_seconds()) / 3600 > cap_hours:
        errors.setdefault("ends_at", []).append(
            _("A shift lasts at most the daily cap of %(cap)s hours.") % {"cap": cap_hours}
        )
    if not (project.start_date <= start.date() <= project.end_date):
        errors.setdefault("starts_at", []).append(_("The shift must lie within the project period."))
    if not 1 <= int(capacity) <= 500:
        errors.setdefault("capacity", []).append(_("A shift has from 1 to 500 places."))
    if min_worker_level not in SocialWorker.Level.values:
        errors.setdefault("min_worker_level", []).append(_("Choose a worker level."))
    if (lat is None) != (long is None):
        errors.setdefault("lat", []).append(_("Give both latitude and longitude, or neither."))
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= long <= 180):
        errors.setdefault("lat", []).append(_("Not a position on Earth."))
    place, content = (place or "").strip(), (content or "").strip()
    if not place:
        errors.setdefault("place", []).append(_("This field is required."))
    if not content:
        errors.setdefault("content", []).append(_("This field is required."))
    if project.status != Project.Status.ACTIVE:
        errors.setdefault("project", []).append(_("The project is not active."))
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "project": project,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place[:200],
        "lat": lat,
        "long": long,
        "capacity": int(capacity),
        "min_worker_level": min_worker_level,
        "content": content[:2000],
    }


@transaction.atomic
def shift_create(
    *,
    actor,
    project: Project,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    capacity: int,
    min_worker_level: str,
    content: str,
    lat: Decimal | None = None,
    long: Decimal | None = None,
) -> Shift:
    """The organization's administrator opens a shift: inside the project's period, on one day,
    at most the daily hours cap long, with at least one place."""
    _require_org_admin(actor, project)
    fields = _clean_shift(
        project=project,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        lat=lat,
        long=long,
        capacity=capacity,
        min_worker_level=min_worker_level,
        content=content,
        cap_hours=policy_current().daily_hours_cap,
    )
    return Shift.objects.create(created_by=actor, **fields)


@transaction.atomic
def shifts_create_weekly(
    *,
    actor,
    project: Project,
    date_from: dt.date,
    date_to: dt.date,
    weekdays: list[int],
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    capacity: int,
    min_worker_level: str,
    content: str,
    lat: Decimal | None = None,
    long: Decimal | None = None,
) -> list[Shift]:
    """A weekly pattern: one shift on each of ``weekdays`` (0 = Monday) from ``date_from`` to
    ``date_to``, each checked like a single one; all or none are made."""
    _require_org_admin(actor, project)
    if date_to < date_from:
        raise ValidationFailed(field_errors={"date_to": [_("The last day must not be before the first.")]})
    if (date_to - date_from).days > MAX_BULK_DAYS:
        raise ValidationFailed(field_errors={"date_to": [_("At most a year at once.")]})
    days = [
        date_from + dt.timedelta(days=n)
        for n in range((date_to - date_from).days + 1)
        if (date_from + dt.timedelta(days=n)).weekday() in set(weekdays)
    ]
    if not days:
        raise ValidationFailed(field_errors={"weekdays": [_("No day between the two dates falls on these weekdays.")]})
    if len(days) > MAX_BULK_SHIFTS:
        raise ValidationFailed(field_errors={"date_to": [_("At most %(n)s shifts at once.") % {"n": MAX_BULK_SHIFTS}]})
    cap = policy_current().daily_hours_cap
    shifts = []
    for day in days:
        fields = _clean_shift(
            project=project,
            starts_at=timezone.make_aware(dt.datetime.combine(day, start_time)),
            ends_at=timezone.make_aware(dt.datetime.combine(day, end_time)),
            place=place,
            lat=lat,
            long=long,
            capacity=capacity,
            min_worker_level=min_worker_level,
            content=content,
            cap_hours=cap,
        )
        shifts.append(Shift(created_by=actor, **fields))
    return Shift.objects.bulk_create(shifts)


# --- sign-up ----------------------------------------------------------------------------------


def _locked_shift(shift: Shift) -> Shift:
    return (
        Shift.objects.select_for_update(of=("self",)).select_related("project", "project__community").get(pk=shift.pk)
    )


def _on_team(worker: SocialWorker, project: Project, day: dt.date) -> bool:
    return (
        ProjectTeamMember.objects.filter(project=project, worker=worker, start_date__lte=day)
        .exclude(end_date__lt=day)
        .exists()
    )


def _overlapping_log(worker: SocialWorker, shift: Shift) -> bool:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    end_time = end.time() if end.date() == start.date() else dt.time(23, 59, 59)
    return (
        ServiceLog.objects.filter(
            worker=worker,
            date=start.date(),
            status__in=ServiceLog.LIVE_STATUSES,
            superseded_at__isnull=True,
            start_time__lt=end_time,
            end_time__gt=start.time(),
        )
        .exclude(attendance__shift=shift)
        .exists()
    )


@transaction.atomic
def shift_signup(*, actor, worker: SocialWorker, shift: Shift, now: dt.datetime | None = None) -> Attendance:
    """A worker on the project's team takes a place. The shift's row is locked, so two workers
    asking for the last place at once are served one after the other: one gets it, the other
    hears that the shift is full."""
    now = now or timezone.now()
    if worker.user_id != actor.pk:
        raise PermissionDenied(_("Workers sign up for themselves."))
    shift = _locked_shift(shift)
    day = timezone.localtime(shift.starts_at).date()
    if shift.starts_at <= now:
        raise StateConflict(_("This shift has already started."))
    if not _on_team(worker, shift.project, day):
        raise PermissionDenied(_("Only workers on the project's team on that day sign up for its shifts."))
    if SocialWorker.LEVEL_RANK[worker.level] < SocialWorker.LEVEL_RANK[shift.min_worker_level]:
        raise ValidationFailed(
            _("This shift needs a %(level)s or above.") % {"level": shift.get_min_worker_level_display()}
        )
    if not worker_is_qualified_on(worker, day):
        raise ValidationFailed(_("You are not verified, qualified or registered on the shift's date."))
    existing = Attendance.objects.filter(shift=shift, worker=worker).first()
    if existing is not None and existing.status in Attendance.HOLDING:
        raise StateConflict(_("You are already signed up for this shift."))
    clash = (
        Attendance.objects.filter(
            worker=worker,
            status__in=(Attendance.Status.SIGNED_UP, Attendance.Status.CHECKED_IN),
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift=shift)
        .select_related("shift__project")
        .first()
    )
    if clash is not None:
        raise ValidationFailed(
            _("You already have a shift at that time (%(project)s, %(time)s).")
            % {"project": clash.shift.project.title, "time": f"{timezone.localtime(clash.shift.starts_at):%m-%d %H:%M}"}
        )
    if _overlapping_log(worker, shift):
        raise ValidationFailed(_("You already have a service record at that time."))
    taken = Attendance.objects.filter(shift=shift, status__in=Attendance.HOLDING).count()
    if taken >= shift.capacity:
        raise StateConflict(_("This shift is full."))
    if existing is not None:
        existing.status = Attendance.Status.SIGNED_UP
        existing.signed_up_at = now
        existing.cancelled_at = None
        existing.save(update_fields=["status", "signed_up_at", "cancelled_at"])
        return existing
    return Attendance.objects.create(shift=shift, worker=worker, signed_up_at=now)


@transaction.atomic
def shift_signup_cancel(*, actor, attendance: Attendance, now: dt.datetime | None = None) -> Attendance:
    """The worker gives their place back: in time up to ``shift_cancel_hours`` (policy) before
    the start; later, before the start, it is a late cancellation the organization is told of."""
    now = now or timezone.now()
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("shift__project", "worker")
        .get(pk=attendance.pk)
    )
    if attendance.worker.user_id != actor.pk:
        raise PermissionDenied(_("Workers cancel only their own sign-up."))
    if attendance.status != Attendance.Status.SIGNED_UP:
        raise StateConflict(_("Only a sign-up not yet checked in can be cancelled."))
    shift = attendance.shift
    if shift.starts_at <= now:
        raise StateConflict(_("This shift has already started."))
    late = now > shift.starts_at - dt.timedelta(hours=policy_current().shift_cancel_hours)
    attendance.status = Attendance.Status.LATE_CANCELLED if late else Attendance.Status.CANCELLED
    attendance.cancelled_at = now
    attendance.save(update_fields=["status", "cancelled_at"])
    if late:
        notify(
            users=users_with_role(Role.ORG_ADMIN, organization=shift.project.organization_id),
            kind="shift_late_cancel",
            title=_("%(worker)s cancelled late for the shift of %(time)s (%(project)s)")
            % {
                "worker": attendance.worker.name,
                "time": local_datetime(shift.starts_at),
                "project": shift.project.title,
            },
            url=reverse("shifts:attendance", args=[shift.pk]),
        )
    return attendance


# --- check-in and check-out -------------------------------------------------------------------


def distance_m(lat1, long1, lat2, long2) -> int:
    """Great-circle distance in whole metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(long2) - float(long1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


CODE_MESSAGES = {
    "foreign": lambda: _("This code is for another shift."),
    "expired": lambda: _("This code has expired; scan or type the code shown now."),
    "invalid": lambda: _("This code is not valid for this shift."),
}


def _witness(shift: Shift, code: str, now: dt.datetime, seconds: int) -> codes.CodeMatch:
    """Whose code this is (one of the shift's community's staff and grid workers), or a 400 on ``code``."""
    try:
        return codes.code_match(
            code=code, shift_id=shift.pk, witness_ids=shift_witness_ids(shift), seconds=seconds, now=now
        )
    except codes.CodeRefused as refused:
        raise ValidationFailed(field_errors={"code": [CODE_MESSAGES[refused.reason]()]}) from None


def _witness_role(shift: Shift, witness) -> str:
    """The role in which the witness vouches: community staff when they are, else grid worker."""
    staff = shift.project.community_id in user_community_ids(witness, roles=(Role.COMMUNITY_STAFF,))
    return str(Role.COMMUNITY_STAFF if staff else Role.GRID_WORKER)


def _user(pk: int):
    return users_with_role(WITNESS_ROLES).get(pk=pk)


def _position(shift: Shift, lat, long, radius: int) -> tuple[int | None, bool]:
    """(distance in metres, verified). Far from the place is a 400 that says how far."""
    if lat is None or long is None or not shift.has_position:
        return None, False
    distance = distance_m(lat, long, shift.lat, shift.long)
    if distance > radius:
        raise _TooFar(distance, radius)
    return distance, True


class _TooFar(Exception):
    def __init__(self, distance: int, radius: int):
        super().__init__(distance)
        self.distance, self.radius = distance, radius


def _refuse_far(attendance: Attendance, far: _TooFar):
    """Keep the refused distance on the attendance (its own transaction: the refusal rolls the
    rest back) and answer 400 with it."""
    Attendance.objects.filter(pk=attendance.pk).update(refused_distance_m=far.distance)
    return ValidationFailed(
        field_errors={
            "lat": [
                _("You are %(distance)s m from the shift's place; check in within %(radius)s m.")
                % {"distance": far.distance, "radius": far.radius}
            ]
        }
    )


def _locked_attendance(*, worker: SocialWorker, shift: Shift) -> Attendance:
    try:
        return (
            Attendance.objects.select_for_update(of=("self",))
            .select_related("shift", "shift__project", "shift__project__community")
            .get(shift=shift, worker=worker)
        )
    except Attendance.DoesNotExist:
        raise PermissionDenied(_("You are not signed up for this shift.")) from None


def shift_check_in(
    *, actor, worker: SocialWorker, shift: Shift, code: str, lat=None, long=None, now: dt.datetime | None = None
) -> Attendance:
    """A signed-up worker checks in with the code a community member shows at the place, within
    ``checkin_window_minutes`` of the start; a position, when given and the shift has one, must
    lie within ``checkin_radius_m``, else the check-in is refused and the distance kept."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _check_in(actor=actor, worker=worker, shift=shift, code=code, lat=lat, long=long, now=now)
    except _FarAttempt as far:
        raise _refuse_far(far.attendance, far.far) from None


class _FarAttempt(Exception):
    def __init__(self, attendance: Attendance, far: _TooFar):
        super().__init__(far.distance)
        self.attendance, self.far = attendance, far


def _check_in(*, actor, worker, shift, code, lat, long, now) -> Attendance:
    if worker.user_id != actor.pk:
        raise PermissionDenied(_("Workers check in for themselves."))
    attendance = _locked_attendance(worker=worker, shift=shift)
    shift = attendance.shift
    if attendance.status in (Attendance.Status.CANCELLED, Attendance.Status.LATE_CANCELLED):
        raise StateConflict(_("You cancelled this sign-up."))
    if attendance.status != Attendance.Status.SIGNED_UP:
        raise StateConflict(_("You have already checked in to this shift."))
    policy = policy_current()
    window = dt.timedelta(minutes=policy.checkin_window_minutes)
    if now < shift.starts_at - window:
        raise StateConflict(_("Check-in opens %(n)s minutes before the start.") % {"n": policy.checkin_window_minutes})
    if now > shift.starts_at + window:
        raise StateConflict(_("Check-in closed %(n)s minutes after the start.") % {"n": policy.checkin_window_minutes})
    match = _witness(shift, code, now, policy.checkin_code_seconds)
    try:
        distance, verified = _position(shift, lat, long, policy.checkin_radius_m)
    except _TooFar as far:
        raise _FarAttempt(attendance, far) from None
    attendance.status = Attendance.Status.CHECKED_IN
    attendance.checkin_at = now
    attendance.checkin_lat, attendance.checkin_long = lat, long
    attendance.checkin_distance_m = distance
    attendance.checkin_witness_id = match.witness_id
    attendance.checkin_code = f"{match.step}:{match.witness_id}"[:40]
    attendance.position_verified = verified
    attendance.save()
    return attendance


def _checkout_times(
    checkin_at: dt.datetime, checkout_at: dt.datetime, rounding: int
) -> tuple[dt.date, dt.time, dt.time]:
    """The record's date and times: from the check-in's minute, lasting the time between check-in
    and check-out rounded down to ``rounding`` minutes (a record stays on the check-in's date)."""
    start = timezone.localtime(checkin_at).replace(second=0, microsecond=0)
    minutes = int((checkout_at - checkin_at).total_seconds() // 60)
    minutes -= minutes % max(rounding, 1)
    end_of_day = start.replace(hour=23, minute=59)
    end = min(start + dt.timedelta(minutes=minutes), end_of_day)
    return start.date(), start.time(), end.time()


def shift_check_out(
    *,
    actor,
    worker: SocialWorker,
    shift: Shift,
    code: str,
    content: str,
    beneficiaries_served: int,
    lat=None,
    long=None,
    now: dt.datetime | None = None,
) -> Attendance:
    """Check out with a current code and make the service log: hours from the check-in and
    check-out times rounded down to ``checkin_rounding_minutes``, evidenced by check-in, the
    community member whose code was scanned as the witness; the organization still approves."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _check_out(
                actor=actor,
                worker=worker,
                shift=shift,
                code=code,
                content=content,
                beneficiaries_served=beneficiaries_served,
                lat=lat,
                long=long,
                now=now,
            )
    except _FarAttempt as far:
        raise _refuse_far(far.attendance, far.far) from None


def _check_out(*, actor, worker, shift, code, content, beneficiaries_served, lat, long, now) -> Attendance:
    if worker.user_id != actor.pk:
        raise PermissionDenied(_("Workers check out for themselves."))
    attendance = _locked_attendance(worker=worker, shift=shift)
    shift = attendance.shift
    if attendance.status == Attendance.Status.SIGNED_UP:
        raise StateConflict(_("Check in before you check out."))
    if attendance.status == Attendance.Status.CHECKED_OUT:
        raise StateConflict(_("You have already checked out of this shift."))
    if attendance.status == Attendance.Status.INCOMPLETE:
        raise StateConflict(
            _("This attendance was closed without a check-out; log the hours as an ordinary record instead.")
        )
    if attendance.status != Attendance.Status.CHECKED_IN:
        raise StateConflict(_("You are not checked in to this shift."))
    policy = policy_current()
    if now > shift.ends_at + dt.timedelta(minutes=policy.checkout_grace_minutes):
        raise StateConflict(_("Check-out closed; log the hours as an ordinary record instead."))
    match = _witness(shift, code, now, policy.checkin_code_seconds)
    try:
        distance, verified = _position(shift, lat, long, policy.checkin_radius_m)
    except _TooFar as far:
        raise _FarAttempt(attendance, far) from None
    witness = _user(match.witness_id)
    date, start_time, end_time = _checkout_times(attendance.checkin_at, now, policy.checkin_rounding_minutes)
    if end_time <= start_time:
        raise ValidationFailed(
            _("Less than %(n)s minutes between check-in and check-out: there are no hours to record.")
            % {"n": policy.checkin_rounding_minutes}
        )
    log = service_log_create(
        worker=worker,
        project=shift.project,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=shift.place,
        content=content,
        beneficiaries_served=beneficiaries_served,
        now=now,
        evidence=ServiceLog.Evidence.CHECKIN,
        witness=witness,
        witness_role=_witness_role(shift, witness),
    )
    attendance.status = Attendance.Status.CHECKED_OUT
    attendance.checkout_at = now
    attendance.checkout_lat, attendance.checkout_long = lat, long
    attendance.checkout_distance_m = distance
    attendance.checkout_witness_id = match.witness_id
    attendance.checkout_code = f"{match.step}:{match.witness_id}"[:40]
    attendance.position_verified = attendance.position_verified and verified
    attendance.service_log = log
    attendance.save()
    return attendance


# --- jobs -------------------------------------------------------------------------------------


def attendances_close(*, attendances, now: dt.datetime | None = None) -> int:
    """At the shift's end plus ``checkout_grace_minutes``: a check-in without check-out closes as
    incomplete, a sign-up never checked in as absent. The worker may then log the hours as an
    ordinary record, which the community confirms as before."""
    now = now or timezone.now()
    closed = 0
    for attendance in attendances:
        with transaction.atomic():
            row = Attendance.objects.select_for_update(of=("self",)).get(pk=attendance.pk)
            if row.status == Attendance.Status.CHECKED_IN:
                row.status = Attendance.Status.INCOMPLETE
            elif row.status == Attendance.Status.SIGNED_UP:
                row.status = Attendance.Status.ABSENT
            else:
                continue
            row.closed_at = now
            row.save(update_fields=["status", "closed_at"])
            closed += 1
    return closed


def shifts_remind(*, evening: list[Attendance], hour: list[Attendance]) -> int:
    """Remind each signed-up worker the evening before and one hour before, once each."""
    sent = 0
    for kind, attendances, title in (
        ("shift-evening", evening, _("Tomorrow %(time)s: your shift of %(project)s at %(place)s")),
        ("shift-hour", hour, _("At %(time)s: your shift of %(project)s at %(place)s")),
    ):
        for attendance in attendances:
            if not reminder_claim(kind=kind, key=str(attendance.pk)):
                continue
            shift = attendance.shift
            notify(
                users=[attendance.worker.user],
                kind="shift_reminder",
                title=title
                % {
                    "time": f"{timezone.localtime(shift.starts_at):%H:%M}",
                    "project": shift.project.title,
                    "place": shift.place,
                },
                url=reverse("shifts:mine"),
            )
            sent += 1
    return sent
