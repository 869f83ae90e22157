"""The scored street: a project with milestones, delivery ratings, an hours plan, service hours
and closed work orders in early 2026 (used by the scorecard and monthly-report tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.projects.models import ServiceLog
from apps.stats.services import rollup_rebuild
from tests.factories.dispatch import DispatchCategoryFactory, UnitFactory, WorkOrderFactory
from tests.factories.projects import DeliveryRatingFactory, ServiceLogFactory, make_project
from tests.factories.stats import HoursPlanFactory

TZ = timezone.get_current_timezone()


def at(day: dt.date, hour=10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def service_log(worker, project, day, hours, *, served=1, **fields) -> ServiceLog:
    """A service-hour record written directly (the projects app's rules are tested there)."""
    return ServiceLogFactory(
        worker=worker, project=project, date=day, beneficiaries_served=served, hours=Decimal(hours), **fields
    )


@pytest.fixture
def scored(city, make_user, organization, worker_factory):
    """One project in 玉林东路社区 for the whole of 2026 (365 days), with milestones due on 31 Jan,
    2 Mar and 1 Apr, two delivery ratings, an hours plan and four closed work orders."""
    staff = make_user("community_staff", community=city.community)
    worker = worker_factory(organization=organization)
    project = make_project(
        community=city.community,
        organization=organization,
        workers=[worker],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    m1, m2, _m3 = project.milestones.order_by("position")
    assert [m.due_date for m in project.milestones.order_by("position")] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 1),
    ]
    type(m1).objects.filter(pk=m1.pk).update(status="accepted", accepted_at=at(dt.date(2026, 1, 30)))
    type(m2).objects.filter(pk=m2.pk).update(status="accepted", accepted_at=at(dt.date(2026, 3, 10)))
    for rating, day in ((4, dt.date(2026, 2, 1)), (5, dt.date(2026, 3, 12)), (1, dt.date(2026, 5, 1))):
        DeliveryRatingFactory(project=project, rating=rating, rated_by=staff, rated_on=day)
    HoursPlanFactory(project=project, planned_hours=Decimal("73.00"), set_by=staff)
    logs = [
        ("4.00", "confirmed", None, dt.date(2026, 2, 3)),
        ("3.00", "confirmed", None, dt.date(2026, 2, 4)),
        ("3.00", "confirmed", None, dt.date(2026, 3, 5)),
        ("8.00", "confirmed", timezone.now(), dt.date(2026, 3, 6)),  # superseded by a correction
        ("5.00", "approved", None, dt.date(2026, 3, 7)),  # not confirmed yet
        ("6.00", "confirmed", None, dt.date(2026, 5, 7)),  # after the period
    ]
    for hours, status, superseded, day in logs:
        service_log(worker, project, day, hours, status=status, superseded_at=superseded)
    category = DispatchCategoryFactory(code="noise", name="噪音扰民", respond_hours=2, resolve_hours=24)
    unit = UnitFactory(code="unit-test", name="城管科", region=city.street)
    closed_at = at(dt.date(2026, 2, 10))
    for on_time, reopened, rating in ((True, 0, 5), (True, 0, 5), (True, 1, 4), (False, 0, 2)):
        WorkOrderFactory(
            closed=True,
            community=city.community,
            category=category,
            description="噪音",
            address="",
            reporter=staff,
            lead_unit=unit,
            closed_at=closed_at,
            resolve_by=closed_at + dt.timedelta(hours=1 if on_time else -1),
            rating=rating,
            reopened_count=reopened,
        )
    rollup_rebuild(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    return city
