from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.projects.models import Project
from tests.factories.core import OrganizationFactory
from tests.factories.projects import make_project


@dataclass
class Scene:
    project: Project
    worker: object
    worker2: object
    org_admin: object
    org_member: object
    staff: object
    other_staff: object
    outsider: object
    other_admin: object

    @property
    def yesterday(self) -> dt.date:
        return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def scene(city, organization, make_user, worker_factory) -> Scene:
    worker = worker_factory(organization=organization, name="李社工")
    worker2 = worker_factory(organization=organization, name="王社工")
    project = make_project(
        community=city.community, organization=organization, fund=city.fund, workers=[worker, worker2]
    )
    other_org = OrganizationFactory(region=city.district)
    return Scene(
        project=project,
        worker=worker,
        worker2=worker2,
        org_admin=make_user("org_admin", organization=organization),
        org_member=make_user("org_member", organization=organization),
        staff=make_user("community_staff", community=city.community),
        other_staff=make_user("community_staff", community=city.other_community),
        outsider=make_user(),
        other_admin=make_user("org_admin", organization=other_org),
    )


@pytest.fixture
def log_payload(scene):
    def _payload(**overrides):
        data = {
            "project": scene.project.pk,
            "date": scene.yesterday.isoformat(),
            "start_time": "09:00",
            "end_time": "11:30",
            "place": "玉林东路社区活动中心",
            "content": "探访独居老人，协助助餐",
            "beneficiaries_served": 6,
        }
        data.update(overrides)
        return data

    return _payload
