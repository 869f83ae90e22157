"""Panel, declarations, scores, ranking, award, objections and the jobs."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.services import membership_add
from apps.bidding.jobs import close_deadlines, end_notices
from apps.bidding.models import Need, PanelReviewer, Proposal, ProposalScore
from apps.bidding.services import proposal_final_score, weighted_total
from apps.core.money import decimal_to_fen
from apps.funds.services import fund_income_record
from apps.notifications.models import Notification
from apps.projects.models import Project
from tests.bidding.conftest import pass_deadline

pytestmark = pytest.mark.django_db

ALL_80 = {"need_fit": 80, "approach": 80, "team": 80, "budget": 80, "track_record": 80}


def scores_of(value):
    return dict.fromkeys(ALL_80, value)


@pytest.fixture
def evaluating(world, make_need, make_bid, api):
    """A need with bids from A and B, past its deadline, closed, with a declared 3-reviewer panel."""
    need = make_need()
    bid_a = make_bid(need, world.a, amount="80000.00")
    bid_b = make_bid(need, world.b, amount="70000.00")
    reviewers = world.reviewers[:3]
    assert (
        api.as_user(world.platform)
        .post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [r.pk for r in reviewers]}, format="json")
        .status_code
        == 200
    )
    pass_deadline(need)
    close_deadlines()
    for reviewer in reviewers:
        response = api.as_user(reviewer).post(
            f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json"
        )
        assert response.status_code == 201
    need.refresh_from_db()
    return need, bid_a, bid_b, reviewers


def score(api, reviewer, proposal, value):
    return api.as_user(reviewer).post(
        f"/api/v1/proposals/{proposal.pk}/scores/", {"scores": scores_of(value), "comment": "ok"}, format="json"
    )


def test_weighted_total_uses_the_rubric_weights():
    scores = {"need_fit": 100, "approach": 0, "team": 50, "budget": 100, "track_record": 0}
    assert weighted_total(scores) == Decimal("50.00")


def test_final_score_drops_high_and_low_only_from_five_reviewers():
    four = [Decimal(x) for x in ("10", "50", "60", "100")]
    assert proposal_final_score(four) == Decimal("55.00")
    five = [Decimal(x) for x in ("10", "50", "60", "70", "100")]
    assert proposal_final_score(five) == Decimal("60.00")


def test_score_returns_the_weighted_total(api, evaluating):
    need, bid_a, _b, reviewers = evaluating
    response = score(api, reviewers[0], bid_a, 77)
    assert response.status_code == 201
    assert response.json()["weighted_total"] == "77.00"


@pytest.mark.parametrize(
    "scores",
    [
        {"need_fit": 80},
        {**ALL_80, "charisma": 90},
        {**ALL_80, "team": 101},
        {**ALL_80, "team": -1},
        {**ALL_80, "team": "high"},
        {**ALL_80, "team": 50.5},
        "eighty",
    ],
)
def test_bad_scores_are_400_on_scores(api, evaluating, scores):
    _need, bid_a, _b, reviewers = evaluating
    response = api.as_user(reviewers[0]).post(
        f"/api/v1/proposals/{bid_a.pk}/scores/", {"scores": scores}, format="json"
    )
    assert response.status_code == 400
    assert "scores" in response.json()


def test_community_staff_sees_but_may_not_score(api, world, evaluating):
    _need, bid_a, _b, _r = evaluating
    assert api.as_user(world.staff).get(f"/api/v1/proposals/{bid_a.pk}/").status_code == 200
    assert score(api, world.staff, bid_a, 80).status_code == 403


def test_award_is_409_while_a_score_is_missing(api, world, evaluating):
    need, bid_a, bid_b, reviewers = evaluating
    for r in reviewers:
        score(api, r, bid_a, 80)
    for r in reviewers[:2]:
        score(api, r, bid_b, 80)
    response = api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/")
    assert response.status_code == 409
    assert "1" in response.json()["detail"]


def test_undeclared_reviewer_blocks_the_award(api, world, evaluating, make_user):
    need, bid_a, bid_b, reviewers = evaluating
    late = world.reviewers[3]
    ids = [r.pk for r in reviewers] + [late.pk]
    assert (
        api.as_user(world.platform)
        .post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": ids}, format="json")
        .status_code
        == 200
    )
    for r in reviewers:
        score(api, r, bid_a, 80)
        score(api, r, bid_b, 80)
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 409


def test_ranking_by_mean_score_and_ties_go_to_the_lower_price(api, world, evaluating):
    need, bid_a, bid_b, reviewers = evaluating
    for r in reviewers:
        score(api, r, bid_a, 80)
        score(api, r, bid_b, 80)
    response = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/award/")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "notice"
    assert data["awarded_proposal"] == bid_b.pk  # same score, lower price
    assert [row["proposal"] for row in data["ranking"]] == [bid_b.pk, bid_a.pk]
    assert data["ranking"][0]["organization"] == world.b.org.pk
    assert data["ranking"][0]["score"] == "80.00"
    ends = dt.datetime.fromisoformat(data["notice_ends_at"])
    assert abs((ends - timezone.now()) - dt.timedelta(days=5)) < dt.timedelta(minutes=1)


def test_same_score_and_price_goes_to_the_earlier_submission(api, world, make_need, make_bid):
    need = make_need()
    early = make_bid(need, world.a, amount="70000.00", now=timezone.now() - dt.timedelta(hours=2))
    make_bid(need, world.b, amount="70000.00")
    reviewer = world.reviewers[0]
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json")
    pass_deadline(need)
    close_deadlines()
    api.as_user(reviewer).post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
    for p in need.proposals.all():
        assert score(api, reviewer, p, 60).status_code == 201
    response = api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/")
    assert response.json()["awarded_proposal"] == early.pk


def test_with_five_reviewers_one_generous_outlier_does_not_win(api, world, make_need, make_bid):
    need = make_need()
    bid_a = make_bid(need, world.a, amount="90000.00")
    bid_b = make_bid(need, world.b, amount="90000.00")
    panel = world.reviewers
    api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [r.pk for r in panel]}, format="json"
    )
    pass_deadline(need)
    close_deadlines()
    for r in panel:
        api.as_user(r).post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
    # A: 60,60,60,60,100 → mean 68, trimmed 60. B: 62 ×5 → 62.
    for i, r in enumerate(panel):
        score(api, r, bid_a, 100 if i == 0 else 60)
        score(api, r, bid_b, 62)
    data = api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").json()
    assert data["awarded_proposal"] == bid_b.pk
    assert {row["proposal"]: row["score"] for row in data["ranking"]} == {bid_a.pk: "60.00", bid_b.pk: "62.00"}


def test_award_is_409_when_the_fund_cannot_cover(api, world, evaluating):
    need, bid_a, bid_b, reviewers = evaluating
    need.fund = world.city.fund
    need.save()
    # one fen short of the winning bid
    fund_income_record(
        fund=world.city.fund, amount_fen=decimal_to_fen(bid_a.total_amount) - 1, source="bank", idempotency_key="short"
    )
    for r in reviewers:
        score(api, r, bid_a, 80)
        score(api, r, bid_b, 70)
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 409
    need.refresh_from_db()
    assert need.status == "evaluating"
    fund_income_record(fund=world.city.fund, amount_fen=1, source="bank", idempotency_key="top-up")
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 200


def test_bidder_cannot_award(api, world, evaluating):
    need, *_ = evaluating
    assert api.as_user(world.a.admin).post(f"/api/v1/needs/{need.pk}/award/").status_code == 403


def test_reviewer_member_of_a_bidder_is_recused_whatever_they_declare(api, world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.a)
    reviewer = world.reviewers[0]
    membership_add(user=reviewer, role="org_member", organization=world.a.org)
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json")
    pass_deadline(need)
    close_deadlines()
    response = api.as_user(reviewer).post(
        f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 201
    assert response.json()["recused"] is True
    assert "bidding organization" in response.json()["recused_reason"]


def test_former_community_member_within_lookback_is_recused(api, world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.a)
    reviewer = world.reviewers[0]
    membership_add(user=reviewer, role="community_staff", community=world.city.community)
    Membership.objects.filter(user=reviewer, role="community_staff").update(
        ended_at=timezone.now() - dt.timedelta(days=365)
    )
    old = world.reviewers[1]
    membership_add(user=old, role="community_staff", community=world.city.community)
    Membership.objects.filter(user=old, role="community_staff").update(
        ended_at=timezone.now() - dt.timedelta(days=4 * 365)
    )
    ids = [reviewer.pk, old.pk]
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": ids}, format="json")
    pass_deadline(need)
    close_deadlines()
    recent = api.as_user(reviewer).post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
    assert recent.json()["recused"] is True
    long_ago = api.as_user(old).post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
    assert long_ago.json()["recused"] is False


def test_declaring_before_the_deadline_is_rechecked_against_the_final_bidders(api, world, make_need, make_bid):
    need = make_need()
    reviewer = world.reviewers[0]
    membership_add(user=reviewer, role="org_member", organization=world.b.org)
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json")
    early = api.as_user(reviewer).post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
    assert early.json()["recused"] is False
    make_bid(need, world.b)
    pass_deadline(need)
    close_deadlines()
    assert PanelReviewer.objects.get(need=need, reviewer=reviewer).recused is True


def test_declared_conflict_recuses_and_second_declaration_is_409(api, world, make_need):
    need = make_need()
    reviewer = world.reviewers[0]
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json")
    client = api.as_user(reviewer)
    response = client.post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": True, "note": "亲属"}, format="json")
    assert response.json()["recused"] is True
    assert client.post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json").status_code == 409


def test_only_panel_reviewers_declare_and_only_platform_staff_set_panels(api, world, make_need):
    need = make_need()
    assert (
        api.as_user(world.reviewers[0])
        .post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
        .status_code
        == 403
    )
    assert (
        api.as_user(world.staff)
        .post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [world.reviewers[0].pk]}, format="json")
        .status_code
        == 403
    )
    not_a_reviewer = api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [world.outsider.pk]}, format="json"
    )
    assert not_a_reviewer.status_code == 400
    assert "reviewers" in not_a_reviewer.json()


@pytest.fixture
def in_notice(api, world, evaluating):
    need, bid_a, bid_b, reviewers = evaluating
    for r in reviewers:
        score(api, r, bid_a, 90)
        score(api, r, bid_b, 70)
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 200
    need.refresh_from_db()
    return need, bid_a, bid_b


def test_upheld_objection_excludes_the_winner_and_reopens_evaluation(api, world, in_notice, make_user):
    need, bid_a, bid_b = in_notice
    assert need.awarded_proposal_id == bid_a.pk
    resident = make_user()
    assert api.post(f"/api/v1/needs/{need.pk}/objections/", {"text": "x"}, format="json").status_code == 401
    response = api.as_user(resident).post(
        f"/api/v1/needs/{need.pk}/objections/", {"text": "团队资质存疑"}, format="json"
    )
    assert response.status_code == 201
    oid = response.json()["id"]
    assert Notification.objects.filter(user=world.platform, kind="bidding.objection_filed").exists()
    assert (
        api.as_user(world.staff)
        .post(
            f"/api/v1/needs/{need.pk}/objections/{oid}/resolve/",
            {"upheld": True, "decision": "经核实，中标团队社工登记已过期，异议成立。"},
            format="json",
        )
        .status_code
        == 403
    )
    resolved = api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/objections/{oid}/resolve/",
        {"upheld": True, "decision": "经核实，中标团队社工登记已过期，异议成立。"},
        format="json",
    )
    assert resolved.status_code == 200
    need.refresh_from_db()
    assert need.status == "evaluating"
    assert Proposal.objects.get(pk=bid_a.pk).status == "excluded"
    again = api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/")
    assert again.status_code == 200
    assert again.json()["awarded_proposal"] == bid_b.pk


def test_objection_outside_the_notice_is_409(api, world, in_notice):
    need, *_ = in_notice
    Need.objects.filter(pk=need.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    response = api.as_user(world.outsider).post(f"/api/v1/needs/{need.pk}/objections/", {"text": "late"}, format="json")
    assert response.status_code == 409


def test_notice_end_awards_and_creates_the_project(api, world, in_notice):
    need, bid_a, bid_b = in_notice
    assert end_notices() == 0
    Need.objects.filter(pk=need.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert end_notices() == 1
    need.refresh_from_db()
    assert need.status == "awarded"
    project = Project.objects.get(need=need)
    assert project.proposal_id == bid_a.pk
    assert Proposal.objects.get(pk=bid_b.pk).status == "not_awarded"
    assert Proposal.objects.get(pk=bid_a.pk).status == "awarded"


def test_open_objection_holds_the_award_until_resolved(api, world, in_notice):
    need, *_ = in_notice
    oid = (
        api.as_user(world.outsider)
        .post(f"/api/v1/needs/{need.pk}/objections/", {"text": "?"}, format="json")
        .json()["id"]
    )
    Need.objects.filter(pk=need.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert end_notices() == 0
    api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/objections/{oid}/resolve/",
        {"upheld": False, "decision": "经核实，评分过程符合评审规则，异议不成立。"},
        format="json",
    )
    assert end_notices() == 1


def test_award_notice_reaches_every_bidder_without_sealed_content(api, world, in_notice):
    need, bid_a, bid_b = in_notice
    notes = Notification.objects.filter(kind="bidding.award_notice")
    assert {n.user_id for n in notes} >= {world.a.admin.pk, world.b.admin.pk, world.b.member.pk}
    for n in notes:
        assert "80000" not in n.body + n.title and "70000" not in n.body + n.title


def test_scores_are_kept_per_reviewer_and_replaced_on_rescore(api, evaluating):
    _need, bid_a, _b, reviewers = evaluating
    score(api, reviewers[0], bid_a, 50)
    score(api, reviewers[0], bid_a, 60)
    assert ProposalScore.objects.get(proposal=bid_a, reviewer=reviewers[0]).weighted_total == Decimal("60.00")
