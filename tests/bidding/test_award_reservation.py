"""An award reserves its grant at once (issue 18): from the one source rule, under the fund's lock;
an upheld objection or a cancelled award releases it; the project takes the same reservation over;
a notice that can no longer become a project is stalled, visibly and once."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.bidding.jobs import close_deadlines, end_notices
from apps.bidding.models import Need
from apps.bidding.services import need_award
from apps.core.models import Category
from apps.funds.selectors import fund_account
from apps.funds.services import fund_income_record
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.notifications.models import Notification
from apps.organizations.models import Organization
from apps.projects.models import Project
from apps.projects.services import milestone_accept, milestone_submit
from apps.workers.models import SocialWorker
from tests.bidding.conftest import pass_deadline

ALL = ("need_fit", "approach", "team", "budget", "track_record")


def _income(fund, fen, key, purpose=""):
    fund_income_record(fund=fund, amount_fen=fen, source="bank", idempotency_key=key, purpose=purpose)


def _ready_to_award(api, world, make_need, make_bid, count=1, **need_fields):
    """``count`` needs paid by the community fund, each with scored bids from A (80,000.00, the
    winner) and B (70,000.00), ready for the award."""
    needs = [make_need(fund=world.city.fund, **need_fields) for _ in range(count)]
    bids = [(make_bid(need, world.a, amount="80000.00"), make_bid(need, world.b, amount="70000.00")) for need in needs]
    reviewers = world.reviewers[:3]
    platform = api.as_user(world.platform)
    for need in needs:
        platform.post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [r.pk for r in reviewers]}, format="json")
        pass_deadline(need)
    close_deadlines()
    for need, (bid_a, bid_b) in zip(needs, bids, strict=True):
        for reviewer in reviewers:
            client = api.as_user(reviewer)
            client.post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
            for bid, value in ((bid_a, 90), (bid_b, 70)):
                client.post(f"/api/v1/proposals/{bid.pk}/scores/", {"scores": dict.fromkeys(ALL, value)}, format="json")
    return [(need, bid_a, bid_b) for need, (bid_a, bid_b) in zip(needs, bids, strict=True)]


def _awarded(api, world, make_need, make_bid):
    """One need awarded to A, its fund holding 100,000.00."""
    [(need, bid_a, bid_b)] = _ready_to_award(api, world, make_need, make_bid)
    _income(world.city.fund, 100000_00, "grant")
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 200
    return need, bid_a, bid_b


def _fund(api, world) -> dict:
    return api.get(f"/api/v1/funds/{world.city.fund.pk}/").json()


def _grant_reservations():
    return Transfer.objects.filter(kind="grant", phase="pending")


def _end_notice(need):
    Need.objects.filter(pk=need.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))


@pytest.mark.django_db
def test_award_reserves_the_grant_at_once(api, world, make_need, make_bid):
    _awarded(api, world, make_need, make_bid)
    fund = _fund(api, world)
    assert fund["reserved"] == "80000.00"
    assert fund["available"] == "20000.00"
    assert _grant_reservations().get().status == "pending"


@pytest.mark.django_db
def test_second_award_the_fund_cannot_also_cover_is_409_and_reserves_nothing(api, world, make_need, make_bid):
    (first, _a1, _b1), (second, _a2, _b2) = _ready_to_award(api, world, make_need, make_bid, count=2)
    _income(world.city.fund, 100000_00, "grant")
    platform = api.as_user(world.platform)
    assert platform.post(f"/api/v1/needs/{first.pk}/award/").status_code == 200
    response = platform.post(f"/api/v1/needs/{second.pk}/award/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "¥80,000.00" in detail and "¥60,000.00" in detail  # what the award needs, what is missing
    second.refresh_from_db()
    assert second.status == "evaluating" and second.awarded_proposal_id is None
    assert _grant_reservations().count() == 1
    assert _fund(api, world)["available"] == "20000.00"
    chinese = platform.post(f"/api/v1/needs/{second.pk}/award/").json()["detail"]
    assert "差额" in chinese and "¥60,000.00" in chinese


@pytest.mark.django_db
def test_money_given_for_the_need_category_is_reserved_first(api, world, make_need, make_bid):
    (elderly, _a, _b), (other, _a2, _b2) = _ready_to_award(api, world, make_need, make_bid, count=2)
    Need.objects.filter(pk=other.pk).update(category=Category.objects.get(code="children_youth"))
    _income(world.city.fund, 80000_00, "elderly", purpose="elderly")
    _income(world.city.fund, 80000_00, "free")
    platform = api.as_user(world.platform)
    assert platform.post(f"/api/v1/needs/{elderly.pk}/award/").status_code == 200
    assert fund_account(world.city.fund, "elderly").available == 0
    assert fund_account(world.city.fund).available == 80000_00
    assert platform.post(f"/api/v1/needs/{other.pk}/award/").status_code == 200  # not from elderly money
    assert fund_account(world.city.fund).available == 0


@pytest.mark.django_db
def test_upheld_objection_releases_the_reservation_and_the_next_award_reserves_again(
    api, world, make_need, make_bid, make_user
):
    need, _a, bid_b = _awarded(api, world, make_need, make_bid)
    platform = api.as_user(world.platform)
    oid = (
        api.as_user(make_user())
        .post(f"/api/v1/needs/{need.pk}/objections/", {"text": "资质存疑"}, format="json")
        .json()["id"]
    )
    resolved = platform.post(
        f"/api/v1/needs/{need.pk}/objections/{oid}/resolve/",
        {"upheld": True, "decision": "经核实，中标团队社工登记已过期，异议成立。"},
        format="json",
    )
    assert resolved.status_code == 200
    assert _fund(api, world)["available"] == "100000.00"
    assert _fund(api, world)["reserved"] == "0.00"
    assert platform.post(f"/api/v1/needs/{need.pk}/award/").json()["awarded_proposal"] == bid_b.pk
    assert _fund(api, world)["available"] == "30000.00"


@pytest.mark.django_db
def test_cancelling_during_the_notice_releases_the_reservation(api, world, make_need, make_bid):
    need, _a, _b = _awarded(api, world, make_need, make_bid)
    response = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/cancel/", {"reason": "经费调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert _fund(api, world)["available"] == "100000.00"
    assert _grant_reservations().get().status == "voided"
    _end_notice(need)
    assert end_notices() == 0
    assert not Project.objects.filter(need=need).exists()


@pytest.mark.django_db
def test_notice_end_makes_the_project_pay_from_the_award_reservation(api, world, make_need, make_bid):
    need, bid_a, _b = _awarded(api, world, make_need, make_bid)
    reservation = _grant_reservations().get()
    _end_notice(need)
    assert end_notices() == 1
    project = Project.objects.get(need=need)
    assert project.proposal_id == bid_a.pk
    assert list(_grant_reservations()) == [reservation]  # the same one, not a second
    assert _fund(api, world)["available"] == "20000.00"
    first = project.milestones.first()
    milestone_submit(actor=world.a.admin, milestone=first, report="完成启动")
    milestone_accept(actor=world.staff, milestone=first)
    payout = Transfer.objects.get(kind="grant_payout")
    assert payout.pending_id == reservation.pk
    assert _fund(api, world)["balance"] == "76000.00"  # 30 % of 80,000.00 paid
    assert ledger_verify()["ok"]


@pytest.mark.django_db
def test_suspended_winner_stalls_the_need_visibly_and_notifies_once(api, world, make_need, make_bid, client):
    need, _a, _b = _awarded(api, world, make_need, make_bid)
    Organization.objects.filter(pk=world.a.org.pk).update(status=Organization.Status.SUSPENDED)
    _end_notice(need)
    assert end_notices() == 0
    assert end_notices() == 0  # not retried
    data = api.get(f"/api/v1/needs/{need.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["status"] == "stalled"
    assert world.a.org.name in data["stalled_reason"]
    notes = Notification.objects.filter(kind="bidding.award_stalled")
    assert sorted(n.user_id for n in notes) == sorted([world.staff.pk, world.platform.pk])
    assert not Project.objects.filter(need=need).exists()
    assert _fund(api, world)["reserved"] == "80000.00"  # held until staff decide
    page = client.get(f"/needs/{need.pk}/").content.decode()
    assert "定标受阻" in page and world.a.org.name in page
    cancelled = api.as_user(world.staff).post(f"/api/v1/needs/{need.pk}/cancel/", {"reason": "中标机构被暂停"})
    assert cancelled.status_code == 200
    assert _fund(api, world)["reserved"] == "0.00"


@pytest.mark.django_db
def test_a_team_worker_no_longer_registered_stalls_the_need(api, world, make_need, make_bid):
    need, _a, _b = _awarded(api, world, make_need, make_bid)
    worker = world.a.workers[0]
    SocialWorker.objects.filter(pk=worker.pk).update(registered_until=need.service_start)
    _end_notice(need)
    assert end_notices() == 0
    need.refresh_from_db()
    assert need.status == "stalled"
    assert worker.name in need.stalled_reason


@pytest.mark.django_db
def test_a_notice_awarded_without_a_reservation_that_the_fund_cannot_cover_stalls(api, world, make_need, make_bid):
    """Awards made before reservations moved to the award: the notice end reserves, and a fund
    that cannot cover it stalls the need instead of retrying every five minutes."""
    [(need, bid_a, _b)] = _ready_to_award(api, world, make_need, make_bid)
    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.NOTICE,
        awarded_proposal=bid_a,
        awarded_at=timezone.now() - dt.timedelta(days=6),
        notice_ends_at=timezone.now() - dt.timedelta(minutes=1),
    )
    _income(world.city.fund, 50000_00, "short")
    assert end_notices() == 0
    need.refresh_from_db()
    assert need.status == "stalled"
    assert "¥30,000.00" in need.stalled_reason
    assert Notification.objects.filter(kind="bidding.award_stalled", user=world.platform).count() == 1
    assert end_notices() == 0
    assert Notification.objects.filter(kind="bidding.award_stalled", user=world.platform).count() == 1


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_on_one_fund_reserve_only_what_it_holds(api, world, make_need, make_bid):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: real row locks with concurrent connections")
    ready = _ready_to_award(api, world, make_need, make_bid, count=4)
    _income(world.city.fund, 170000_00, "grant")  # two awards of 80,000.00, not three
    barrier = threading.Barrier(len(ready))
    outcomes = []

    def award(need):
        try:
            barrier.wait()
            need_award(actor=world.platform, need=need)
            outcomes.append("awarded")
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            outcomes.append(getattr(exc, "status_code", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=award, args=(need,)) for need, _a, _b in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == sorted(["awarded", "awarded", 409, 409], key=str)
    assert _grant_reservations().count() == 2
    assert Need.objects.filter(status="notice").count() == 2
    assert fund_account(world.city.fund).available == 10000_00
    assert ledger_verify()["ok"]
