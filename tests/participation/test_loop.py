"""The loop through the API (#21): a resident's suggestion, supports, the staff adopt it, the need
is published, a bidder's question is answered in public, organizations bid, the panel scores, an
objection to the award is dismissed with reasons, the award becomes a project, milestones are
accepted, the supporters rate the service, and the scorecard counts their ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.bidding.models import Need
from apps.core.services import policy_update
from apps.funds.services import fund_income_record
from apps.notifications.models import Notification
from apps.projects.models import Project
from tests.bidding.conftest import proposal_payload, world  # noqa: F401 - world is a fixture
from tests.bidding.test_needs_api import need_body

pytestmark = pytest.mark.django_db

SCORES = {"need_fit": 0, "approach": 0, "team": 0, "budget": 0, "track_record": 0}


def test_suggestion_to_rated_service_through_the_api(api, world, make_user):  # noqa: F811
    city = world.city
    author, fan, fan2 = (make_user("resident", community=city.community) for _ in range(3))
    staff, platform = api.as_user(world.staff), api.as_user(world.platform)

    created = api.as_user(author).post(
        "/api/v1/suggestions/",
        {
            "community": city.community.code,
            "title": "儿童课后托管",
            "description": "双职工家庭的孩子放学后无人照看。",
            "category": "children_youth",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    sid = created.json()["id"]
    for resident in (fan, fan2):
        assert api.as_user(resident).post(f"/api/v1/suggestions/{sid}/support/").status_code == 201
    assert api.get(f"/api/v1/suggestions/?community={city.community.code}").json()["results"][0]["supports_count"] == 2

    terms = need_body(city, min_worker_level="intermediate")
    del terms["community"], terms["title"], terms["description"], terms["category"]
    adopted = staff.post(f"/api/v1/suggestions/{sid}/adopt/", terms, format="json")
    assert adopted.status_code == 201, adopted.json()
    nid = adopted.json()["need"]
    assert Need.objects.get(pk=nid).suggestion.pk == sid
    assert staff.post(f"/api/v1/needs/{nid}/publish/").json()["status"] == "published"
    need = Need.objects.get(pk=nid)

    asked = api.as_user(world.b.admin).post(
        f"/api/v1/needs/{nid}/questions/", {"text": "托管场地由社区提供吗？"}, format="json"
    )
    assert asked.status_code == 201, asked.json()
    answered = staff.post(
        f"/api/v1/questions/{asked.json()['id']}/answer/", {"answer": "社区活动室免费提供。"}, format="json"
    )
    assert answered.status_code == 200, answered.json()
    [public_question] = api.get(f"/api/v1/needs/{nid}/questions/").json()["results"]
    assert public_question["answer"] == "社区活动室免费提供。"
    assert world.b.org.name not in str(public_question)  # who asked is never shown
    fund_income_record(fund=city.fund, amount_fen=60000_00, source="bank", idempotency_key="loop-grant")

    bids = {}
    for bidder, amount in ((world.a, "50000.00"), (world.b, "45000.00")):
        response = api.as_user(bidder.admin).post(
            f"/api/v1/needs/{nid}/proposals/", proposal_payload(need, bidder, amount=amount), format="json"
        )
        assert response.status_code == 201, response.json()
        bids[bidder.org.pk] = response.json()["id"]
    panel = world.reviewers[:3]
    platform.post(f"/api/v1/needs/{nid}/panel/", {"reviewers": [r.pk for r in panel]}, format="json")
    Need.objects.filter(pk=nid).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    call_command("run_scheduled")
    for reviewer in panel:
        client = api.as_user(reviewer)
        assert client.post(f"/api/v1/needs/{nid}/declarations/", {"conflict": False}, format="json").status_code == 201
        for org_pk, pid in bids.items():
            value = 90 if org_pk == world.a.org.pk else 75
            client.post(f"/api/v1/proposals/{pid}/scores/", {"scores": dict.fromkeys(SCORES, value)}, format="json")
    assert staff.post(f"/api/v1/needs/{nid}/award/").status_code == 200
    objected = api.as_user(fan).post(
        f"/api/v1/needs/{nid}/objections/", {"text": "中标机构的报价偏高。"}, format="json"
    )
    assert objected.status_code == 201, objected.json()
    oid = objected.json()["id"]
    reason = "经核查，中标报价在预算范围内且评分高于其他投标，异议不成立。"
    assert (
        platform.post(f"/api/v1/needs/{nid}/objections/{oid}/resolve/", {"upheld": False}, format="json").status_code
        == 400
    )
    dismissed = platform.post(
        f"/api/v1/needs/{nid}/objections/{oid}/resolve/", {"upheld": False, "decision": reason}, format="json"
    )
    assert dismissed.status_code == 200, dismissed.json()
    [objection] = api.get(f"/api/v1/needs/{nid}/objections/").json()["results"]
    assert objection["decision"] == reason and objection["status"] != "open"
    Need.objects.filter(pk=nid).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("run_scheduled")
    project = Project.objects.get(need_id=nid)

    for milestone in project.milestones.order_by("position"):
        base = f"/api/v1/projects/{project.pk}/milestones/{milestone.pk}"
        submitted = api.as_user(world.a.admin).post(f"{base}/submit/", {"report": "阶段服务完成"}, format="json")
        assert submitted.status_code == 200, submitted.json()
        assert staff.post(f"{base}/accept/").status_code == 200
        for resident, rating in ((fan, 5), (fan2, 4)):
            rated = api.as_user(resident).post(
                f"/api/v1/projects/{project.pk}/resident-ratings/", {"milestone": milestone.pk, "rating": rating}
            )
            assert rated.status_code == 201, rated.json()
    assert (
        api.as_user(author)
        .post(f"/api/v1/projects/{project.pk}/resident-ratings/", {"milestone": milestone.pk, "rating": 1})
        .status_code
        == 403
    )  # the author did not support it
    assert api.get(f"/api/v1/projects/{project.pk}/resident-ratings/").json() == {"mean": "4.5", "count": 4}

    told = list(Notification.objects.filter(user=fan, kind="participation.need").values_list("title", flat=True))
    assert len(told) == 5  # published, awarded, each of the two milestones, delivered

    policy_update(actor=world.platform, changes={"scorecard_weight_rating": 20, "scorecard_weight_residents": 10})
    today = timezone.localdate()
    card = platform.get(
        f"/api/v1/stats/scorecards/?region={city.street.code}&from={today - dt.timedelta(days=30)}&to={today}&kind=community"
    ).json()
    [yulin] = [r for r in card["results"] if r["code"] == city.community.code]
    residents = {c["component"]: c for c in yulin["components"]}["residents"]
    assert residents["raw"] == {"ratings": 4, "mean_rating": "4.50"} and residents["score"] == "87.5"
    assert residents["included"] and card["weights"]["residents"] == "10.00"
