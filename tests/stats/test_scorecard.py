"""Joint-evaluation scorecards (绩效联评): a hand-worked example, policy weights, access, exports
and a query count that does not grow with the number of communities."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.regions.models import Region
from apps.stats.models import HoursPlan
from apps.stats.services import rollup_rebuild
from tests.factories.projects import make_project

PERIOD = {"from": "2026-01-01", "to": "2026-04-10"}  # 100 days


def scorecards(api, user, **params):
    query = "&".join(f"{k}={v}" for k, v in ({**PERIOD} | params).items())
    return api.as_user(user).get(f"/api/v1/stats/scorecards/?{query}")


def components(result) -> dict:
    return {c["component"]: c for c in result["components"]}


def test_hand_worked_community_scorecard(api, scored, make_user):
    body = scorecards(api, make_user("platform_staff"), region=scored.street.code, kind="community").json()
    assert body["weights"] == {
        "rating": "30.00",
        "milestones": "25.00",
        "hours": "25.00",
        "dispatch": "20.00",
        "residents": "0.00",
    }
    [card] = body["results"]
    assert card["name"] == "玉林东路社区"
    c = components(card)
    # ratings in the period: 4 and 5 (the 1 of May is after it) → mean 4.5 → (4.5−1)/4×100 = 87.5
    assert c["rating"]["raw"] == {"ratings": 2, "mean_rating": "4.50"}
    assert c["rating"]["score"] == "87.5" and c["rating"]["contribution"] == "26.25"
    # 3 milestones due, only the first accepted by its due date → 33.3; ×25% = 8.33
    assert c["milestones"]["raw"] == {"milestones_due": 3, "accepted_on_time": 1}
    assert c["milestones"]["score"] == "33.3" and c["milestones"]["contribution"] == "8.33"
    # plan 73 h over 365 days → 20 h for the 100 days; 4+3+3 = 10 h confirmed → 50
    assert c["hours"]["raw"] == {"hours_confirmed": "10.00", "hours_planned": "20.00"}
    assert c["hours"]["score"] == "50.0" and c["hours"]["contribution"] == "12.50"
    # 4 closed: on time 3/4 → 75; reopened 1/4 → 75; satisfaction 4.0 → 75; mean 75; ×20% = 15
    assert c["dispatch"]["raw"] == {
        "work_orders_closed": 4,
        "on_time_rate": "0.750",
        "reopen_rate": "0.250",
        "satisfaction": "4.00",
    }
    assert c["dispatch"]["score"] == "75.0" and c["dispatch"]["contribution"] == "15.00"
    assert card["total"] == "62.08"  # 26.25 + 8.33 + 12.50 + 15.00


def test_hand_worked_organization_scorecard_renormalises_without_dispatch(api, scored, make_user, organization):
    body = scorecards(api, make_user("platform_staff"), region=scored.district.code, kind="organization").json()
    [card] = body["results"]
    assert card["id"] == organization.pk
    c = components(card)
    assert c["dispatch"]["applicable"] is False and c["dispatch"]["contribution"] is None
    # weights 30/25/25 of 80 → 37.5 / 31.25 / 31.25
    assert [c[k]["effective_weight"] for k in ("rating", "milestones", "hours")] == ["37.50", "31.25", "31.25"]
    # 87.5×30/80 = 32.81; 33.33×25/80 = 10.42; 50×25/80 = 15.63
    assert [c[k]["contribution"] for k in ("rating", "milestones", "hours")] == ["32.81", "10.42", "15.63"]
    assert card["total"] == "58.86"


def test_a_community_with_nothing_to_measure_has_no_total(api, scored, make_user):
    body = scorecards(api, make_user("platform_staff"), region=scored.district.code, kind="community").json()
    other = next(r for r in body["results"] if r["name"] == "望江楼社区")
    assert other["total"] is None and not any(c["included"] for c in other["components"])
    assert body["results"][-1] is other  # scored ones first


def test_policy_weights_change_the_result(api, scored, make_user):
    staff = make_user("platform_staff")
    new = {
        "scorecard_weight_rating": "10",
        "scorecard_weight_milestones": "40",
        "scorecard_weight_hours": "40",
        "scorecard_weight_dispatch": "10",
    }
    assert api.as_user(staff).patch("/api/v1/policy/", new, format="json").status_code == 200
    [card] = scorecards(api, staff, region=scored.street.code, kind="community").json()["results"]
    # 87.5×10% + 33.33×40% + 50×40% + 75×10% = 8.75 + 13.33 + 20.00 + 7.50
    assert card["total"] == "49.58"


def test_access_officers_their_area_and_no_one_else(api, scored, make_user):
    officer = make_user("street_officer", region=scored.street)
    assert scorecards(api, officer, region=scored.street.code).status_code == 200
    assert scorecards(api, officer, region=scored.other_street.code).status_code == 404
    assert scorecards(api, officer, region=scored.district.code).status_code == 404
    district = make_user("district_officer", region=scored.district)
    assert scorecards(api, district, region=scored.district.code, kind="organization").status_code == 200
    assert (
        scorecards(api, make_user("community_staff", community=scored.community), region=scored.street.code).status_code
        == 404
    )
    assert api.get(f"/api/v1/stats/scorecards/?region={scored.street.code}").status_code == 401
    assert scorecards(api, officer, region=scored.street.code, kind="worker").status_code == 400


def test_scorecard_pages_show_how_each_score_is_made(client, scored, make_user, organization):
    officer = make_user("street_officer", region=scored.street)
    client.force_login(officer)
    page = client.get(f"/oversight/scorecards/?from={PERIOD['from']}&to={PERIOD['to']}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "玉林东路社区" in html and "62.08" in html and "26.25" in html
    orgs = client.get(f"/oversight/scorecards/?kind=organization&from={PERIOD['from']}&to={PERIOD['to']}")
    assert organization.name in orgs.content.decode() and "58.86" in orgs.content.decode()
    assert client.get(f"/oversight/scorecards/{scored.other_street.code}/").status_code == 404
    client.logout()
    # the public sees the aggregated figures only: no scorecards, no per-organization scores
    assert client.get("/oversight/scorecards/").status_code == 302
    public = client.get("/oversight/public/?from=2026-01-01&to=2026-12-31").content.decode()
    assert organization.name not in public and "62.08" not in public


def test_scorecard_csv_and_xlsx(api, scored, make_user):
    staff = make_user("platform_staff")
    response = scorecards(api, staff, region=scored.street.code, kind="community", format="csv", headers="codes")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["total"] == "62.08" and row["rating_mean_rating"] == "4.50" and row["hours_hours_planned"] == "20.00"

    xlsx = scorecards(api, staff, region=scored.street.code, kind="community", format="xlsx", headers="codes")
    values = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert values[0][:4] == ("kind", "code", "name", "total") and values[1][2] == "玉林东路社区"


def test_scorecard_query_count_does_not_grow_with_communities(api, scored, make_user, organization):
    staff = api.as_user(make_user("platform_staff"))
    url = f"/api/v1/stats/scorecards/?region={scored.district.code}&from=2026-01-01&to=2026-04-10"
    staff.get(url)  # warm the per-user caches
    with CaptureQueriesContext(connection) as before:
        assert staff.get(url).status_code == 200
    for i in range(3):
        community = Region.objects.create(
            code=f"51010700600{i + 2}", name=f"新社区{i}", level="community", parent=scored.street
        )
        make_project(
            community=community, organization=organization, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
    rollup_rebuild(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    with CaptureQueriesContext(connection) as after:
        body = staff.get(url).json()
    assert len(body["results"]) == 5
    assert len(after.captured_queries) == len(before.captured_queries)


def test_delivery_ratings_and_hours_plans_by_the_community(api, city, make_user, organization):
    project = make_project(community=city.community, organization=organization)
    staff = api.as_user(make_user("community_staff", community=city.community))
    stranger = api.as_user(make_user("community_staff", community=city.other_community))
    assert stranger.post("/api/v1/stats/delivery-ratings/", {"project": project.pk, "rating": 5}).status_code == 403
    created = staff.post("/api/v1/stats/delivery-ratings/", {"project": project.pk, "rating": 4}, format="json")
    assert created.status_code == 201 and created.json()["rating"] == 4
    again = staff.post("/api/v1/stats/delivery-ratings/", {"project": project.pk, "rating": 5}, format="json")
    assert again.status_code == 409
    assert staff.post("/api/v1/stats/delivery-ratings/", {"project": project.pk, "rating": 6}).status_code == 400
    pending = project.milestones.first()
    rated = staff.post(
        "/api/v1/stats/delivery-ratings/", {"project": project.pk, "milestone": pending.pk, "rating": 3}, format="json"
    )
    assert rated.status_code == 409  # a milestone is rated once accepted
    plan = staff.put(f"/api/v1/stats/hours-plans/{project.pk}/", {"planned_hours": "120.50"}, format="json")
    assert plan.status_code == 200 and plan.json()["planned_hours"] == "120.50"
    assert HoursPlan.objects.get(project=project).planned_hours == Decimal("120.50")
    assert stranger.put(f"/api/v1/stats/hours-plans/{project.pk}/", {"planned_hours": "1"}).status_code == 403
