"""Demo: shifts on the demo projects, in the past, today and the coming week, with attendance in
every state (signed up, cancelled in time and late, checked in, checked out with its service log,
incomplete, absent), all made through the services with the time each step happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.selectors import users_with_role
from apps.core.demo import DemoContext, demo_step
from apps.core.errors import ApplicationError
from apps.projects.services import service_log_approve
from apps.shifts import codes
from apps.shifts.models import Attendance, Shift
from apps.shifts.services import (
    attendances_close,
    shift_check_in,
    shift_check_out,
    shift_signup,
    shift_signup_cancel,
)

# 玉林东路社区党群服务中心 and a few metres from it (where a worker's phone says it is).
PLACE = ("社区党群服务中心活动室", Decimal("30.633000"), Decimal("104.058000"))
NEAR = (Decimal("30.633300"), Decimal("104.058200"))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _shift(project, admin, starts_at, hours: float, capacity: int, content: str) -> Shift:
    place, lat, long = PLACE
    return Shift.objects.create(
        project=project,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        place=place,
        lat=lat,
        long=long,
        capacity=capacity,
        min_worker_level="assistant",
        content=content,
        created_by=admin,
    )


def _code(shift: Shift, witness, now: dt.datetime) -> str:
    return codes.rotating_code(shift_id=shift.pk, witness_id=witness.pk, seconds=60, now=now).token


def _signup(worker, shift, now) -> Attendance | None:
    try:
        return shift_signup(actor=worker.user, worker=worker, shift=shift, now=now)
    except ApplicationError:
        return None  # the worker serves elsewhere then (another project's shift): left out


def _check_in(worker, shift, witness, now):
    return shift_check_in(
        actor=worker.user,
        worker=worker,
        shift=shift,
        code=_code(shift, witness, now),
        lat=NEAR[0],
        long=NEAR[1],
        now=now,
    )


@demo_step("shifts", after=("projects",))
def seed(ctx: DemoContext) -> None:
    projects = [p for p in ctx.data.get("projects") or [] if p.status == "active"][:3]
    for index, project in enumerate(projects):
        admin = users_with_role(Role.ORG_ADMIN, organization=project.organization_id).order_by("pk").first()
        witness = users_with_role(Role.COMMUNITY_STAFF, community=project.community_id).order_by("pk").first()
        workers = [
            m.worker
            for m in project.team.select_related("worker__user").filter(end_date__isnull=True)
            if m.worker.verified and m.worker.registered_until > ctx.today + dt.timedelta(days=10)
        ]
        if admin is None or witness is None or not workers:
            continue
        evening = 18 + index  # each project's past shifts at its own hour, after the day's records
        content = "社区长者助餐与陪伴活动" if index % 2 == 0 else "青少年课后陪伴小组"

        # Five days ago: checked out (approved, so confirmed), incomplete, absent.
        day = ctx.today - dt.timedelta(days=5)
        past = _shift(project, admin, _at(day, evening), 2, 3, content)
        signed = [a for a in (_signup(w, past, _at(day - dt.timedelta(days=2), 10)) for w in workers) if a]
        if signed:
            _check_in(signed[0].worker, past, witness, _at(day, evening) - dt.timedelta(minutes=6))
            done = shift_check_out(
                actor=signed[0].worker.user,
                worker=signed[0].worker,
                shift=past,
                code=_code(past, witness, _at(day, evening + 2, 4)),
                content=f"{content}，服务 14 人",
                beneficiaries_served=14,
                lat=NEAR[0],
                long=NEAR[1],
                now=_at(day, evening + 2, 4),
            )
            service_log_approve(actor=admin, log=done.service_log)
        if len(signed) > 1:
            _check_in(signed[1].worker, past, witness, _at(day, evening, 12))
        attendances_close(attendances=signed, now=_at(day, evening + 3, 30))

        # Two days ago: checked out (waiting for the organization), and a late cancellation.
        day = ctx.today - dt.timedelta(days=2)
        recent = _shift(project, admin, _at(day, evening, 30), 1.5, 2, content)
        signed = [a for a in (_signup(w, recent, _at(day - dt.timedelta(days=3), 9)) for w in workers[:2]) if a]
        if signed:
            _check_in(signed[0].worker, recent, witness, _at(day, evening, 28))
            shift_check_out(
                actor=signed[0].worker.user,
                worker=signed[0].worker,
                shift=recent,
                code=_code(recent, witness, _at(day, evening + 2, 1)),
                content=f"{content}，服务 9 人",
                beneficiaries_served=9,
                now=_at(day, evening + 2, 1),
            )
        if len(signed) > 1:
            shift_signup_cancel(actor=signed[1].worker.user, attendance=signed[1], now=_at(day, evening - 3))

        # Today: one shift around now (a worker checked in, one yet to come) when the day allows it.
        local = timezone.localtime(ctx.now)
        start = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0) - dt.timedelta(
            minutes=10
        )
        last = local.replace(hour=23, minute=55, second=0, microsecond=0)
        if local.hour >= 7 and start.date() == local.date() and start + dt.timedelta(minutes=40) <= last:
            hours = min(2, (last - start).total_seconds() / 3600)
            today = _shift(project, admin, start, hours, 3, content)
            signed = [a for a in (_signup(w, today, ctx.now - dt.timedelta(days=1)) for w in workers) if a]
            if signed:
                _check_in(signed[0].worker, today, witness, ctx.now - dt.timedelta(minutes=5))
        else:
            _shift(project, admin, _at(ctx.today, 9), 2, 3, content)

        # The coming week: two shifts a week apart in the morning, one of them full.
        for n, capacity in ((1 + index, 2), (4 + index, 1)):
            day = ctx.today + dt.timedelta(days=n)
            coming = _shift(project, admin, _at(day, 9, 30), 2.5, capacity, content)
            signed = [a for a in (_signup(w, coming, ctx.now) for w in workers[:capacity]) if a]
            if capacity == 2 and len(signed) > 1:
                shift_signup_cancel(actor=signed[1].worker.user, attendance=signed[1], now=ctx.now)
