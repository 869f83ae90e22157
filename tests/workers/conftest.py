"""Continuing education (#22): an employing organization with its admin and a member, another
organization's admin, platform staff, a worker, and a clock the tests move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories.core import OrganizationFactory


class Clock:
    """The time every service, job and view reads (``timezone.now``), moved by the test."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def to_day(self, day: dt.date, hour: int = 9) -> None:
        self.now = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@dataclass
class People:
    worker: object
    admin: object
    member: object
    other_admin: object
    staff: object
    outsider: object
    organization: object


@pytest.fixture
def people(city, organization, make_user, worker_factory) -> People:
    other = OrganizationFactory(region=city.district, name="成都市锦江区彩虹社工服务中心")
    worker = worker_factory(
        organization=organization,
        name="李晓梅",
        level="assistant",
        registered_until=timezone.localdate() + dt.timedelta(days=400),
    )
    return People(
        worker=worker,
        admin=make_user("org_admin", organization=organization),
        member=make_user("org_member", organization=organization),
        other_admin=make_user("org_admin", organization=other),
        staff=make_user("platform_staff"),
        outsider=make_user(),
        organization=organization,
    )


def run_warning_job() -> None:
    call_command("run_scheduled", "--only", "workers_warn_training_shortfall")
