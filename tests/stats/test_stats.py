"""Oversight figures from a small hand-built dataset, at every level, through the rollups."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.bidding.models import Need
from apps.core.models import Category
from apps.regions.models import Region
from apps.stats.jobs import stats_rollup
from apps.stats.models import DailyRollup
from apps.stats.services import figures_compute, rollup_rebuild

TZ = timezone.get_current_timezone()


def at(day: dt.date, hour=10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def dataset(city, make_user):
    """Three needs in 玉林东路社区 (玉林街道) and one in 望江楼社区 (望江路街道)."""
    staff = make_user("community_staff", community=city.community)
    base = dt.date(2026, 3, 1)

    def need(community, status, published, awarded=None):
        return Need.objects.create(
            community=community,
            title="需求",
            description="描述",
            category=Category.objects.get(code="elderly"),
            beneficiaries=10,
            budget_min=Decimal(1),
            budget_max=Decimal(2),
            service_start=base,
            service_end=base,
            min_worker_level="assistant",
            workers_needed=1,
            bid_deadline=at(published) + dt.timedelta(days=6),
            status=status,
            published_at=at(published),
            awarded_at=at(awarded) if awarded else None,
            created_by=staff,
        )

    need(city.community, "awarded", base, base + dt.timedelta(days=10))
    need(city.community, "awarded", base + dt.timedelta(days=1), base + dt.timedelta(days=21))
    need(city.community, "published", base + dt.timedelta(days=2))
    need(city.other_community, "awarded", base + dt.timedelta(days=3), base + dt.timedelta(days=7))
    rollup_rebuild(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    return city


def get(api, user, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api.as_user(user).get(f"/api/v1/stats/?{query}")


def test_figures_at_every_level(api, dataset, make_user):
    staff = make_user("platform_staff")
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    district = get(api, staff, region="510107000000", **period).json()
    assert district["needs_published"] == 4 and district["needs_awarded"] == 3
    # days to award: 10, 20, 4 → median 10
    assert district["median_days_to_award"] == "10.0"
    by_child = {c["region"]: c for c in district["children"]}
    assert by_child["510107006000"]["needs_published"] == 3
    assert by_child["510107006000"]["median_days_to_award"] == "15.0"
    assert by_child["510107007000"]["needs_awarded"] == 1
    street = get(api, staff, region="510107006000", **period).json()
    assert [c["region"] for c in street["children"]] == ["510107006001"]
    community = get(api, staff, region="510107006001", **period).json()
    assert community["needs_awarded"] == 2 and community["children"] == []
    city = get(api, staff, region="510100000000", **period).json()
    assert city["needs_published"] == 4


def test_period_filters_the_figures(api, dataset, make_user):
    staff = make_user("platform_staff")
    march_first_days = get(api, staff, region="510107000000", **{"from": "2026-03-01", "to": "2026-03-02"}).json()
    assert march_first_days["needs_published"] == 2 and march_first_days["needs_awarded"] == 0
    assert get(api, staff, region="510107000000", **{"from": "2026-05-01", "to": "2026-04-01"}).status_code == 400


def test_street_officer_sees_own_street_and_nothing_of_another(api, dataset, make_user):
    officer = make_user("street_officer", region=dataset.street)
    assert get(api, officer, region="510107006000").status_code == 200
    assert get(api, officer, region="510107006001").status_code == 200
    assert get(api, officer, region="510107007000").status_code == 404
    assert get(api, officer, region="510107000000").status_code == 404
    assert api.get("/api/v1/stats/?region=510107006000").status_code == 401
    assert get(api, make_user("reviewer"), region="510107006000").status_code == 404


def test_rollups_equal_the_live_computation_after_events_and_rebuild(dataset):
    live = figures_compute(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    stored = {(r.community_id, r.date, r.category): r for r in DailyRollup.objects.all()}
    assert set(stored) == set(live)
    for key, values in live.items():
        for field, value in values.items():
            assert getattr(stored[key], field) == value
    # a new event, then a rebuild of the trailing window by the scheduled job
    Need.objects.filter(status="published").update(status="failed", updated_at=timezone.now())
    stats_rollup()
    today = timezone.localdate()
    assert sum(r.needs_failed for r in DailyRollup.objects.filter(date=today)) == 1


def test_csv_and_xlsx_downloads_carry_the_same_figures(api, dataset, make_user):
    staff = make_user("platform_staff")
    period = {"from": "2026-01-01", "to": "2026-12-31", "headers": "codes"}
    response = get(api, staff, region="510107000000", **period, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["region"] == "510107000000" and rows[0]["needs_published"] == "4"
    assert {r["region"] for r in rows[1:]} == {"510107006000", "510107007000"}
    xlsx = get(api, staff, region="510107000000", **period, format="xlsx")

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][0] == "region" and values[1][0] == "510107000000"
    assert Region.objects.filter(code=values[2][0]).exists()


def test_dashboard_pages_for_officer_public_and_stranger(client, dataset, make_user):
    officer = make_user("street_officer", region=dataset.street)
    client.force_login(officer)
    page = client.get("/oversight/?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    html = page.content.decode()
    assert "玉林东路社区" in html and "<svg" in html and "<table" in html
    assert client.get("/oversight/510107007000/").status_code == 404
    client.logout()
    public = client.get("/oversight/public/?from=2026-01-01&to=2026-12-31")
    assert public.status_code == 200 and "武侯区" in public.content.decode()
