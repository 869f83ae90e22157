"""Reads of shifts and attendance."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.core.selectors import policy_current
from apps.projects.models import Project
from apps.shifts import codes
from apps.shifts.access import shift_code_witness_role
from apps.shifts.filters import ShiftFilter
from apps.shifts.models import Attendance, Shift
from apps.workers.models import SocialWorker


def _with_taken(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    return qs.annotate(taken=Count("attendances", filter=Q(attendances__status__in=Attendance.HOLDING)))


def project_shift_list(*, project: Project, filters: dict | None = None) -> QuerySet[Shift]:
    """A project's shifts by start, narrowed by ``from`` / ``to`` dates, with ``taken`` places."""
    filterset = ShiftFilter(filters or {}, queryset=_with_taken(project.shifts.select_related("project")))
    if not filterset.is_valid():
        raise ValidationFailed(field_errors={f: list(e) for f, e in filterset.errors.items()})
    return filterset.qs.order_by("starts_at", "id")


def worker_attendance_list(*, worker: SocialWorker, since: dt.datetime | None = None) -> QuerySet[Attendance]:
    """A worker's own shifts (every status), those ending after ``since`` when given, by start."""
    qs = Attendance.objects.filter(worker=worker).select_related(
        "shift", "shift__project", "shift__project__community", "service_log"
    )
    if since is not None:
        qs = qs.filter(shift__ends_at__gte=since)
    return qs.order_by("shift__starts_at", "id")


def worker_next_attendance(*, worker: SocialWorker, now: dt.datetime | None = None) -> Attendance | None:
    """The shift the worker is to check in or out of next: checked in first, else the next sign-up
    that has not closed yet."""
    now = now or timezone.now()
    open_ones = worker_attendance_list(worker=worker).filter(
        status__in=(Attendance.Status.SIGNED_UP, Attendance.Status.CHECKED_IN),
        shift__ends_at__gte=now - dt.timedelta(hours=3),
    )
    return open_ones.filter(status=Attendance.Status.CHECKED_IN).first() or open_ones.first()


def open_shifts_for_worker(*, worker: SocialWorker, now: dt.datetime | None = None) -> QuerySet[Shift]:
    """Shifts not yet started of the active projects the worker is on the team of, with places
    taken, that the worker holds no place on."""
    now = now or timezone.now()
    mine = Attendance.objects.filter(worker=worker, status__in=Attendance.HOLDING).values("shift_id")
    return (
        _with_taken(
            Shift.objects.filter(
                project__status=Project.Status.ACTIVE, project__team__worker=worker, starts_at__gt=now
            ).exclude(pk__in=mine)
        )
        .select_related("project")
        .distinct()
        .order_by("starts_at", "id")
    )


def shift_attendance(*, shift: Shift) -> QuerySet[Attendance]:
    return shift.attendances.select_related("worker", "checkin_witness", "checkout_witness", "service_log").order_by(
        "status", "worker__name", "id"
    )


def shift_attendance_counts(*, shift: Shift, now: dt.datetime | None = None) -> dict:
    """The attendance page's counts: signed up, checked in, late, absent, incomplete, cancelled late."""
    rows = list(shift.attendances.all())
    statuses = [a.status for a in rows]
    S = Attendance.Status
    return {
        "signed_up": sum(s in Attendance.HOLDING for s in statuses),
        "checked_in": sum(a.checkin_at is not None for a in rows),
        "late": sum(a.checkin_at is not None and a.checkin_at > shift.starts_at for a in rows),
        "absent": statuses.count(S.ABSENT),
        "incomplete": statuses.count(S.INCOMPLETE),
        "late_cancelled": statuses.count(S.LATE_CANCELLED),
        "checked_out": statuses.count(S.CHECKED_OUT),
    }


def shifts_for_witness(*, community_ids, day: dt.date) -> QuerySet[Shift]:
    """The shifts of a day in the given communities: what a community member shows codes for."""
    return (
        _with_taken(Shift.objects.filter(project__community_id__in=community_ids, starts_at__date=day))
        .select_related("project")
        .order_by("starts_at", "id")
    )


def code_payload(*, user, shift: Shift) -> dict:
    """The codes ``user`` shows for ``shift`` now (403 for anyone but its community's members)."""
    role = shift_code_witness_role(user=user, shift=shift)
    now = timezone.now()
    seconds = policy_current().checkin_code_seconds
    rotating = codes.rotating_code(shift_id=shift.pk, witness_id=user.pk, seconds=seconds, now=now)
    day = codes.day_code(shift_id=shift.pk, witness_id=user.pk, now=now)
    return {
        "code": rotating.token,
        "short_code": rotating.short,
        "expires_at": rotating.expires_at,
        "day_code": day.token,
        "day_short_code": day.short,
        "day_expires_at": day.expires_at,
        "rotates_every_seconds": seconds,
        "witness_role": role,
    }
