import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.services import membership_add
from apps.bidding.models import Proposal
from tests.bidding.conftest import pass_deadline, proposal_payload

pytestmark = pytest.mark.django_db


def submit(api, need, bidder, user=None, **overrides):
    payload = proposal_payload(need, bidder, **overrides)
    return api.as_user(user or bidder.admin).post(f"/api/v1/needs/{need.pk}/proposals/", payload, format="json")


def test_member_of_a_verified_org_submits_a_sealed_bid(api, world, make_need):
    need = make_need()
    response = submit(api, need, world.a, user=world.a.member)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    assert data["total_amount"] == "80000.00"
    assert [m["payment_percent"] for m in data["milestones"]] == ["30.00", "70.00"]
    assert len(data["team"]) == 2


def test_bid_after_the_deadline_is_409_even_if_status_still_published(api, world, make_need):
    need = pass_deadline(make_need())
    assert need.status == "published"
    response = submit(api, need, world.a)
    assert response.status_code == 409
    assert "detail" in response.json()


@pytest.mark.parametrize("amount", ["49999.99", "100000.01"])
def test_total_outside_the_budget_range_is_refused_on_budget_lines(api, world, make_need, amount):
    response = submit(api, make_need(), world.a, amount=amount)
    assert response.status_code == 400
    assert "budget_lines" in response.json()


def test_total_on_the_budget_bounds_is_accepted(api, world, make_need):
    assert submit(api, make_need(), world.a, amount="100000.00").status_code == 201


def test_milestone_percents_must_sum_to_100(api, world, make_need):
    need = make_need()
    milestones = [
        {"title": "启动", "due_date": str(need.service_start), "payment_percent": "30"},
        {"title": "结项", "due_date": str(need.service_end), "payment_percent": "60.5"},
    ]
    response = submit(api, need, world.a, milestones=milestones)
    assert response.status_code == 400
    assert "milestones" in response.json()


def test_team_smaller_than_workers_needed_is_refused(api, world, make_need):
    need = make_need(workers_needed=3)
    response = submit(api, need, world.a)
    assert response.status_code == 400
    assert "team" in response.json()


def test_unverified_worker_is_refused(api, world, make_need):
    world.a.workers[0].verified = False
    world.a.workers[0].save()
    response = submit(api, make_need(), world.a)
    assert response.status_code == 400
    assert world.a.workers[0].name in " ".join(response.json()["team"])


def test_worker_not_employed_by_the_org_is_refused(api, world, make_need):
    need = make_need()
    team = [{"worker": world.a.workers[0].pk, "role": "社工"}, {"worker": world.b.workers[0].pk, "role": "社工"}]
    response = submit(api, need, world.a, team=team)
    assert response.status_code == 400
    assert world.b.workers[0].name in " ".join(response.json()["team"])


def test_worker_below_the_minimum_level_is_refused(api, world, make_need):
    world.a.workers[1].level = "assistant"
    world.a.workers[1].save()
    response = submit(api, make_need(), world.a)
    assert response.status_code == 400
    assert "team" in response.json()


def test_worker_not_registered_through_service_end_is_refused(api, world, make_need):
    need = make_need()
    world.a.workers[0].registered_until = need.service_end - dt.timedelta(days=1)
    world.a.workers[0].save()
    response = submit(api, need, world.a)
    assert response.status_code == 400
    assert "team" in response.json()


def test_second_live_bid_of_the_same_org_is_409(api, world, make_need):
    need = make_need()
    assert submit(api, need, world.a).status_code == 201
    assert submit(api, need, world.a, user=world.a.member).status_code == 409


def test_after_withdrawal_the_org_may_bid_again(api, world, make_need):
    need = make_need()
    first = submit(api, need, world.a).json()
    assert api.as_user(world.a.admin).post(f"/api/v1/proposals/{first['id']}/withdraw/").status_code == 200
    assert submit(api, need, world.a).status_code == 201


def test_non_member_cannot_bid_for_an_org(api, world, make_need):
    assert submit(api, make_need(), world.a, user=world.b.admin).status_code == 403


def test_unverified_org_cannot_bid(api, world, make_need):
    world.a.org.status = "pending"
    world.a.org.save()
    assert submit(api, make_need(), world.a).status_code == 403


def test_bid_on_a_draft_need_is_404_and_on_a_cancelled_one_409(api, world, make_need):
    assert submit(api, make_need(status="draft"), world.a).status_code == 404
    assert submit(api, make_need(status="cancelled"), world.a).status_code == 409


@pytest.mark.parametrize(
    "override",
    [
        {"organization": "abc"},
        {"budget_lines": "lots"},
        {"budget_lines": [{"item": "x", "amount": "1.234"}]},
        {"team": [{"worker": 99999999}]},
        {"title": "长" * 1000},
        {"milestones": [{"title": "a", "due_date": "someday", "payment_percent": "100"}]},
    ],
)
def test_bad_proposal_input_is_400(api, world, make_need, override):
    response = submit(api, make_need(), world.a, **override)
    assert response.status_code == 400
    assert set(override) & set(response.json())


def test_patch_updates_lines_and_total_before_the_deadline(api, world, make_need):
    need = make_need()
    pid = submit(api, need, world.a).json()["id"]
    client = api.as_user(world.a.admin)
    response = client.patch(
        f"/api/v1/proposals/{pid}/", {"budget_lines": [{"item": "全部", "amount": "60000.00"}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["total_amount"] == "60000.00"
    bad = client.patch(
        f"/api/v1/proposals/{pid}/", {"budget_lines": [{"item": "全部", "amount": "1.00"}]}, format="json"
    )
    assert bad.status_code == 400
    assert Proposal.objects.get(pk=pid).total_amount == Decimal("60000.00")
    pass_deadline(need)
    assert client.patch(f"/api/v1/proposals/{pid}/", {"title": "late"}, format="json").status_code == 409
    assert client.post(f"/api/v1/proposals/{pid}/withdraw/").status_code == 409


def test_another_org_cannot_patch_or_withdraw_and_does_not_learn_the_bid_exists(api, world, make_need):
    pid = submit(api, make_need(), world.a).json()["id"]
    client = api.as_user(world.b.admin)
    assert client.patch(f"/api/v1/proposals/{pid}/", {"title": "x"}, format="json").status_code == 404
    assert client.post(f"/api/v1/proposals/{pid}/withdraw/").status_code == 404


def test_draft_bid_is_saved_unchecked_and_submitted_with_the_rules(api, world, make_need):
    need = make_need(workers_needed=3)
    response = submit(api, need, world.a, draft=True)
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    client = api.as_user(world.a.admin)
    refused = client.patch(f"/api/v1/proposals/{response.json()['id']}/", {"submit": True}, format="json")
    assert refused.status_code == 400
    assert "team" in refused.json()
    team = [{"worker": w.pk, "role": "社工"} for w in world.a.workers]
    ok = client.patch(f"/api/v1/proposals/{response.json()['id']}/", {"team": team, "submit": True}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "submitted"


def test_worker_employment_ended_is_not_employment(api, world, make_need):
    Membership.objects.filter(user=world.a.workers[0].user, role="social_worker").update(ended_at=timezone.now())
    response = submit(api, make_need(), world.a)
    assert response.status_code == 400
    assert "team" in response.json()
    membership_add(user=world.a.workers[0].user, role="social_worker", organization=world.a.org)
    assert submit(api, make_need(), world.a).status_code == 201
