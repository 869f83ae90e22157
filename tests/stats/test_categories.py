"""The category filter (``category=`` on stats/ and the dashboard) and the bar charts of areas: the
figures change with the category, and the dashboard's work stays on the rollups."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import Category
from apps.funds.services import fund_income_record
from apps.projects.services import milestone_accept
from apps.regions.models import Region
from apps.stats.services import rollup_rebuild
from tests.factories.projects import awarded_need, make_project
from tests.stats.conftest import service_log


@pytest.fixture
def mixed(city, make_user, organization, worker_factory):
    """In 玉林东路社区: a children-and-youth project with 5 confirmed hours and one milestone paid
    (30,000.00 of 100,000.00), plus two more elderly needs; in 望江楼社区: one elderly need.
    Money in: 500.00 to the fund beyond what the project reserved."""
    today = timezone.localdate()
    worker = worker_factory(organization=organization)
    project = make_project(community=city.community, organization=organization, workers=[worker], fund=city.fund)
    project.need.category = Category.objects.get(code="children_youth")
    project.need.published_at = timezone.now()
    project.need.save()
    service_log(worker, project, today, 5, served=12)
    first = project.milestones.order_by("position").first()
    type(first).objects.filter(pk=first.pk).update(status="submitted", submitted_at=timezone.now())
    milestone_accept(actor=make_user("community_staff", community=city.community), milestone=first)
    for community in (city.community, city.community, city.other_community):
        need = awarded_need(community=community)
        need.published_at = timezone.now()
        need.save()
    fund_income_record(fund=city.fund, amount_fen=50000, source="bank", idempotency_key="cat-1")
    rollup_rebuild(date_from=today - dt.timedelta(days=1), date_to=today)
    return city


def stats(api, user, region, **params):
    today = timezone.localdate()
    query = "&".join(f"{k}={v}" for k, v in ({"region": region, "from": today, "to": today} | params).items())
    return api.as_user(user).get(f"/api/v1/stats/?{query}")


def test_category_filter_changes_the_figures(api, mixed, make_user):
    staff = make_user("platform_staff")
    everything = stats(api, staff, mixed.district.code).json()
    assert everything["category"] is None
    assert everything["needs_published"] == 4
    assert everything["hours_confirmed"] == "5.00" and everything["funds_out"] == "30000.00"
    assert everything["funds_in"] == "100500.00" and everything["work_orders"] == 0

    elderly = stats(api, staff, mixed.district.code, category="elderly").json()
    assert elderly["category"] == "elderly"
    assert elderly["needs_published"] == 3 and elderly["hours_confirmed"] == "0.00" and elderly["funds_out"] == "0.00"
    assert {c["region"]: c["needs_published"] for c in elderly["children"]} == {
        mixed.street.code: 2,
        mixed.other_street.code: 1,
    }
    # figures that belong to no need category are null, not zero
    assert elderly["funds_in"] is None and elderly["work_orders"] is None and elderly["certified_enterprises"] is None

    youth = stats(api, staff, mixed.district.code, category="children_youth").json()
    assert youth["needs_published"] == 1 and youth["hours_confirmed"] == "5.00" and youth["funds_out"] == "30000.00"
    assert youth["beneficiaries_served"] == 12
    assert stats(api, staff, mixed.district.code, category="health").json()["needs_published"] == 0
    assert stats(api, staff, mixed.district.code, category="nonsense").status_code == 400


def test_dashboard_category_filter_and_area_bars(client, mixed, make_user):
    client.force_login(make_user("district_officer", region=mixed.district))
    today = timezone.localdate()
    page = client.get(f"/oversight/?from={today}&to={today}").content.decode()
    assert 'class="chart-bars"' in page and "<title>玉林街道 · 发布需求数: 3</title>" in page
    assert "<title>望江路街道 · 发布需求数: 1</title>" in page
    youth = client.get(f"/oversight/?from={today}&to={today}&category=children_youth")
    html = youth.content.decode()
    assert "<title>玉林街道 · 发布需求数: 1</title>" in html
    assert "<title>望江路街道 · 发布需求数: 0</title>" in html  # nothing of the category there
    assert "&amp;category=children_youth&amp;format=csv" in html and 'value="children_youth" selected' in html
    assert "<title>玉林街道 · 已确认服务时长: 5 小时</title>" in page
    public = client.get(f"/oversight/public/?from={today}&to={today}&category=elderly")
    assert "<title>武侯区 · 发布需求数: 3</title>" in public.content.decode()


def test_dashboard_and_stats_query_counts_do_not_grow_with_areas(client, api, mixed, make_user):
    officer = make_user("district_officer", region=mixed.district)
    client.force_login(officer)
    staff = api.as_user(officer)
    today = timezone.localdate()
    page = f"/oversight/?from={today}&to={today}&category=elderly"
    endpoint = f"/api/v1/stats/?region={mixed.district.code}&from={today}&to={today}&category=elderly"
    client.get(page), staff.get(endpoint)
    with CaptureQueriesContext(connection) as page_before:
        client.get(page)
    with CaptureQueriesContext(connection) as api_before:
        staff.get(endpoint)
    for i in range(4):
        street = Region.objects.create(
            code=f"5101070{10 + i}000", name=f"新街道{i}", level="street", parent=mixed.district
        )
        community = Region.objects.create(
            code=f"5101070{10 + i}001", name=f"新社区{i}", level="community", parent=street
        )
        need = awarded_need(community=community)
        need.published_at = timezone.now()
        need.save()
    rollup_rebuild(date_from=today, date_to=today)
    with CaptureQueriesContext(connection) as page_after:
        assert "新街道3" in client.get(page).content.decode()
    with CaptureQueriesContext(connection) as api_after:
        assert len(staff.get(endpoint).json()["children"]) == 6
    assert len(page_after.captured_queries) == len(page_before.captured_queries)
    assert len(api_after.captured_queries) == len(api_before.captured_queries)
    # and none of them reads the raw tables: only the rollups and reference rows
    raw = ("bidding_need", "projects_servicelog", "ledger_leg", "dispatch_workorder")
    assert not [q["sql"] for q in page_after.captured_queries if any(t in q["sql"] for t in raw)]
