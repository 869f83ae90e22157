"""Totals of service hours read as the hours that were logged, on every database: SQLite adds
decimals as floating point numbers, and 0.10 + 0.20 + 2.17 hours came back as 2.47000000000000 and
was shown so on the worker's record page."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.projects.selectors import worker_hours_breakdown, worker_hours_summary
from tests.factories.projects import ServiceLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(scene):
    day = dt.date(2026, 3, 2)
    for i, hours in enumerate(("0.10", "0.20", "2.17")):
        ServiceLogFactory(
            worker=scene.worker, project=scene.project, date=day + dt.timedelta(days=i), hours=Decimal(hours)
        )
    return scene


def test_selectors_give_the_hours_to_the_hundredth(logged):
    summary = worker_hours_summary(worker=logged.worker, year=2026)
    assert str(summary["confirmed_hours"]) == "2.47"
    assert [str(p["hours"]) for p in summary["projects"]] == ["2.47"]
    breakdown = worker_hours_breakdown(worker=logged.worker)
    assert str(breakdown["total"]) == "2.47"
    assert [str(r["hours"]) for r in breakdown["by_year"]] == ["2.47"]
    assert [str(r["hours"]) for r in breakdown["by_project"]] == ["2.47"]


def test_worker_record_page_and_api_show_two_decimals(client, api, logged):
    client.force_login(logged.worker.user)
    page = client.get("/hours/record/").content.decode()
    assert "2026: 2.47 小时" in page
    assert "2.4700" not in page and "2.4699" not in page
    data = api.as_user(logged.worker.user).get(f"/api/v1/workers/{logged.worker.pk}/hours-summary/?year=2026").json()
    assert data["confirmed_hours"] == "2.47"
