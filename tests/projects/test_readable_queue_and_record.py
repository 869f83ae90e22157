"""The hours queues and the worker's record read as sentences: each row says how many people were
served (not a bare "(20)"), hours carry their unit and drop trailing zeros, rows and total alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.projects.models import ServiceLog
from tests.factories.projects import ServiceLogFactory

pytestmark = pytest.mark.django_db


def test_approve_queue_labels_people_served_and_gives_hours_with_their_unit(client, scene):
    day = dt.date(2026, 3, 2)
    for i, (hours, served) in enumerate((("3.00", 20), ("26.50", 1))):
        ServiceLogFactory(
            worker=scene.worker,
            project=scene.project,
            date=day + dt.timedelta(days=i),
            hours=Decimal(hours),
            beneficiaries_served=served,
            status=ServiceLog.Status.SUBMITTED,
        )
    client.force_login(scene.org_admin)
    html = client.get("/hours/approve/").content.decode()
    assert "服务 20 人" in html and "服务 1 人" in html
    assert "(20)" not in html
    assert ">3 小时</td>" in html and ">26.5 小时</td>" in html
    assert "共 29.5 小时" in html
    english = client.get("/en/hours/approve/").content.decode()
    assert "20 people served" in english and "1 person served" in english and "29.5 h in all" in english


def test_worker_record_gives_the_confirmed_total_like_other_figures(client, scene):
    ServiceLogFactory(worker=scene.worker, project=scene.project, hours=Decimal("52.00"))
    client.force_login(scene.worker.user)
    html = client.get("/hours/record/").content.decode()
    assert '已确认 <span class="count">52 小时</span>' in html
    assert "52.00" not in html
    assert '<span class="count">52 h</span> confirmed' in client.get("/en/hours/record/").content.decode()
