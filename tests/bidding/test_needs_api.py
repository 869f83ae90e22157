import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bidding.jobs import close_deadlines
from apps.bidding.models import Need
from apps.core.models import Category, PolicyVersion
from tests.bidding.conftest import pass_deadline

pytestmark = pytest.mark.django_db


def need_body(city, **overrides):
    today = timezone.localdate()
    body = {
        "community": city.community.code,
        "title": "儿童课后托管",
        "description": "放学后的作业辅导与兴趣活动。",
        "category": "children_youth",
        "beneficiaries": 60,
        "beneficiary_group": "双职工家庭儿童",
        "budget_min": "30000.00",
        "budget_max": "60000.00",
        "service_start": str(today + dt.timedelta(days=20)),
        "service_end": str(today + dt.timedelta(days=200)),
        "min_worker_level": "assistant",
        "workers_needed": 2,
        "bid_deadline": (timezone.now() + dt.timedelta(days=7)).isoformat(),
        "fund": city.fund.code,
    }
    body.update(overrides)
    return body


def test_community_staff_creates_a_draft_need_with_codes(api, world):
    response = api.as_user(world.staff).post("/api/v1/needs/", need_body(world.city), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft"
    assert data["community"] == world.city.community.code
    assert data["category"] == "children_youth"
    assert data["fund"] == world.city.fund.code
    assert data["budget_max"] == "60000.00"
    assert data["proposals_count"] is None  # sealed before the deadline


def test_staff_of_another_community_cannot_create_a_need_there(api, world):
    response = api.as_user(world.other_staff).post("/api/v1/needs/", need_body(world.city), format="json")
    assert response.status_code == 403


def test_need_creation_needs_sign_in(api, world):
    assert api.post("/api/v1/needs/", need_body(world.city), format="json").status_code == 401


@pytest.mark.parametrize(
    "field,value",
    [
        ("community", "999999999999"),
        ("category", "astrology"),
        ("fund", "no-such-fund"),
        ("budget_min", "abc"),
        ("workers_needed", 0),
        ("title", "长" * 500),
        ("beneficiaries", [1, 2]),
        ("bid_deadline", "tomorrow"),
    ],
)
def test_bad_need_input_is_a_400_on_the_field(api, world, field, value):
    response = api.as_user(world.staff).post("/api/v1/needs/", need_body(world.city, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_fund_of_another_community_is_refused(api, world):
    body = need_body(world.city, fund=world.city.other_fund.code)
    response = api.as_user(world.staff).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 400
    assert "fund" in response.json()


def test_draft_is_patched_and_published(api, world, make_need):
    need = make_need(status="draft")
    client = api.as_user(world.staff)
    response = client.patch(f"/api/v1/needs/{need.pk}/", {"title": "新标题"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "新标题"
    response = client.post(f"/api/v1/needs/{need.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]
    assert client.patch(f"/api/v1/needs/{need.pk}/", {"title": "x"}, format="json").status_code == 409


def test_publish_refuses_deadline_in_the_past(api, world, make_need):
    need = make_need(status="draft", bid_deadline=timezone.now() - dt.timedelta(hours=1))
    response = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/publish/")
    assert response.status_code == 400
    assert "bid_deadline" in response.json()


def test_publish_refuses_deadline_closer_than_the_policy_minimum(api, world, make_need):
    PolicyVersion.objects.create(version=2, min_bidding_days=8)
    need = make_need(status="draft", bid_deadline=timezone.now() + dt.timedelta(days=7))
    response = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/publish/")
    assert response.status_code == 400
    assert "8" in response.json()["bid_deadline"][0]


def test_publish_refuses_deadline_after_service_start(api, world, make_need):
    start = timezone.localdate() + dt.timedelta(days=6)
    need = make_need(status="draft", service_start=start, bid_deadline=timezone.now() + dt.timedelta(days=8))
    response = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/publish/")
    assert response.status_code == 400
    assert "bid_deadline" in response.json()


def test_patch_refuses_budget_min_above_max(api, world, make_need):
    need = make_need(status="draft")
    response = api.as_user(world.staff).patch(f"/api/v1/needs/{need.pk}/", {"budget_min": "200000.00"}, format="json")
    assert response.status_code == 400
    assert "budget_max" in response.json()


def test_patch_refuses_service_end_before_start(api, world, make_need):
    need = make_need(status="draft")
    response = api.as_user(world.staff).patch(
        f"/api/v1/needs/{need.pk}/", {"service_end": str(need.service_start - dt.timedelta(days=1))}, format="json"
    )
    assert response.status_code == 400
    assert "service_end" in response.json()


def test_publish_twice_is_a_conflict(api, world, make_need):
    need = make_need()
    assert api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/publish/").status_code == 409


def test_cancel_needs_a_reason_and_records_it(api, world, make_need):
    need = make_need()
    client = api.as_user(world.staff)
    assert client.post(f"/api/v1/needs/{need.pk}/cancel/", {}, format="json").status_code == 400
    response = client.post(f"/api/v1/needs/{need.pk}/cancel/", {"reason": "经费调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancelled_reason"] == "经费调整"
    assert client.post(f"/api/v1/needs/{need.pk}/cancel/", {"reason": "again"}, format="json").status_code == 409


def test_an_org_cannot_cancel_a_need(api, world, make_need):
    need = make_need()
    response = api.as_user(world.a.admin).post(f"/api/v1/needs/{need.pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 403


def test_drafts_are_listed_only_for_their_community_staff(api, world, make_need):
    draft = make_need(status="draft")
    published = make_need()
    for user, sees_draft in [(world.staff, True), (world.other_staff, False), (world.a.admin, False)]:
        ids = {n["id"] for n in api.as_user(user).get("/api/v1/needs/").json()["results"]}
        assert published.pk in ids
        assert (draft.pk in ids) is sees_draft
    assert draft.pk not in {n["id"] for n in api.get("/api/v1/needs/").json()["results"]}
    assert api.get(f"/api/v1/needs/{draft.pk}/").status_code == 404
    assert api.as_user(world.other_staff).get(f"/api/v1/needs/{draft.pk}/").status_code == 404
    assert api.as_user(world.staff).get(f"/api/v1/needs/{draft.pk}/").status_code == 200


def test_list_filters(api, world, make_need):
    cheap = make_need(budget_min=1000, budget_max=5000, title="助浴服务")
    dear = make_need(
        budget_min=90000,
        budget_max=200000,
        category=Category.objects.get(code="health"),
        community=world.city.other_community,
        bid_deadline=timezone.now() + dt.timedelta(days=30),
    )
    evaluating = make_need(status="evaluating", bid_deadline=timezone.now() - dt.timedelta(days=1))

    def ids(query):
        response = api.get("/api/v1/needs/" + query)
        assert response.status_code == 200, response.json()
        return [n["id"] for n in response.json()["results"]]

    assert set(ids("?status=published")) == {cheap.pk, dear.pk}
    assert ids("?category=health") == [dear.pk]
    assert set(ids(f"?region={world.city.street.code}")) == {cheap.pk, evaluating.pk}
    assert set(ids(f"?region={world.city.district.code}")) == {cheap.pk, dear.pk, evaluating.pk}
    assert ids(f"?region={world.city.other_community.code}") == [dear.pk]
    assert ids("?region=000000000000") == []
    assert ids("?budget_min=150000") == [dear.pk]
    assert cheap.pk in ids("?budget_max=5000") and dear.pk not in ids("?budget_max=5000")
    assert ids("?q=助浴") == [cheap.pk]
    after = (timezone.now() + dt.timedelta(days=20)).isoformat()
    assert ids("?deadline_after=" + after.replace("+", "%2B")) == [dear.pk]
    assert ids("?ordering=-budget_max")[0] == dear.pk
    assert ids("?ordering=bid_deadline")[0] == evaluating.pk
    assert ids("?ordering=-bid_deadline")[0] == dear.pk


@pytest.mark.parametrize(
    "query", ["?ordering=title", "?status=open", "?budget_min=abc", "?deadline_after=soon", "?q=" + "x" * 500]
)
def test_bad_list_filters_are_400(api, world, query):
    assert api.get("/api/v1/needs/" + query).status_code == 400


def test_proposals_count_counts_submitted_bids(api, world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.a)
    make_bid(need, world.b)
    world.b.org.proposals.update(status="withdrawn")
    pass_deadline(need)
    data = api.get(f"/api/v1/needs/{need.pk}/").json()
    assert data["proposals_count"] == 1


def test_needs_list_query_count_does_not_grow_with_rows(api, world, make_need, make_bid, django_assert_num_queries):
    def count_for_list():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/needs/").status_code == 200
        return len(ctx.captured_queries)

    first = make_need()
    make_bid(first, world.a)
    baseline = count_for_list()
    for _ in range(6):
        need = make_need()
        make_bid(need, world.a)
        make_bid(need, world.b)
    Need.objects.update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    with django_assert_num_queries(baseline):
        response = api.get("/api/v1/needs/")
    assert response.json()["count"] == 7
    assert {n["proposals_count"] for n in response.json()["results"]} == {1, 2}


def test_need_ids_that_are_not_numbers_are_404(api, world):
    assert api.get("/api/v1/needs/abc/").status_code == 404
    assert api.get("/api/v1/needs/99999999999999999999999/").status_code == 404


def test_closed_need_keeps_evaluating_after_the_deadline(world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.a)
    empty = make_need()
    pass_deadline(need)
    pass_deadline(empty)
    assert close_deadlines() == 2
    need.refresh_from_db()
    empty.refresh_from_db()
    assert need.status == Need.Status.EVALUATING
    assert empty.status == Need.Status.FAILED
