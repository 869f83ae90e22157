from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.projects.models import Project
from tests.factories.projects import make_project
from tests.factories.shifts import local


class Clock:
    """The time every service and view reads (``timezone.now``), moved by the test."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def set(self, value: dt.datetime) -> None:
        self.now = value

    def move(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def day() -> dt.date:
    """The shifts' day: yesterday, so the service log it makes is not in the future whatever the hour."""
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch, day) -> Clock:
    clock = Clock(local(day, 7, 0))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@dataclass
class Scene:
    project: Project
    worker: object
    worker2: object
    org_admin: object
    staff: object
    grid: object
    other_staff: object
    outsider: object


@pytest.fixture
def scene(city, organization, make_user, worker_factory) -> Scene:
    worker = worker_factory(organization=organization, name="李社工", level="assistant")
    worker2 = worker_factory(organization=organization, name="王社工")
    project = make_project(
        community=city.community, organization=organization, fund=city.fund, workers=[worker, worker2]
    )
    return Scene(
        project=project,
        worker=worker,
        worker2=worker2,
        org_admin=make_user("org_admin", organization=organization),
        staff=make_user("community_staff", community=city.community),
        grid=make_user("grid_worker", community=city.community),
        other_staff=make_user("community_staff", community=city.other_community),
        outsider=make_user(),
    )
