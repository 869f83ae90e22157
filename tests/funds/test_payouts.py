import threading

import pytest
from django.db import connection, connections

from apps.funds.payouts import FundShortfall, award_reserve, grant_release, milestone_payout
from apps.funds.selectors import fund_account
from apps.funds.services import fund_income_record, organization_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify


def _reserve(project):
    return award_reserve(need=project.need, proposal=project.proposal)


def _fund_with(city, fen, purpose=""):
    fund_income_record(
        fund=city.fund, amount_fen=fen, source="bank", idempotency_key=f"seed-{fen}-{purpose}", purpose=purpose
    )


def test_award_reserve_payouts_and_release(city, project_factory):
    _fund_with(city, 150000)
    project = project_factory(amounts=("600.00", "400.00"))
    _reserve(project)
    acc = fund_account(city.fund)
    assert acc.available == 50000 and acc.normal_balance == 150000
    first, second = project.milestones.all()
    milestone_payout(milestone=first)
    milestone_payout(milestone=first)  # a second accept pays nothing
    assert fund_account(city.fund).normal_balance == 90000
    assert organization_account(project.organization).normal_balance == 60000
    grant_release(project=project)
    acc = fund_account(city.fund)
    assert acc.normal_balance == 90000 and acc.available == 90000
    assert Transfer.objects.get(key=f"award:{project.proposal_id}:reserve").status == "voided"
    assert ledger_verify()["ok"]


def test_fund_cannot_cover_more_than_it_has(city, project_factory):
    _fund_with(city, 50000)
    project = project_factory(amounts=("600.00", "400.00"))
    with pytest.raises(FundShortfall):
        _reserve(project)


def test_restricted_money_pays_only_its_purpose(city, project_factory):
    _fund_with(city, 100000, purpose="elderly")
    children = project_factory(amounts=("500.00",), category="children_youth")
    with pytest.raises(FundShortfall):  # restricted money is not available for other purposes
        _reserve(children)
    elderly = project_factory(amounts=("500.00",), category="elderly")
    _reserve(elderly)
    milestone_payout(milestone=elderly.milestones.get())
    assert fund_account(city.fund, "elderly").normal_balance == 50000
    assert fund_account(city.fund).normal_balance == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_pay_once(city, project_factory):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: real row locks with concurrent connections")
    _fund_with(city, 100000)
    project = project_factory(amounts=("700.00", "300.00"))
    _reserve(project)
    milestone = project.milestones.first()
    barrier = threading.Barrier(8)
    errors = []

    def accept():
        try:
            barrier.wait()
            milestone_payout(milestone=milestone)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Transfer.objects.filter(phase="post", pending__key=f"award:{project.proposal_id}:reserve").count() == 1
    assert fund_account(city.fund).normal_balance == 30000
    assert ledger_verify()["ok"]
