import pytest

from apps.core.errors import StateConflict, ValidationFailed
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import (
    InsufficientFunds,
    transfer_pending,
    transfer_post,
    transfer_post_pending,
    transfer_reverse,
    transfer_void,
)


@pytest.fixture
def bank(accounts):
    return accounts("bank", normal="debit", may_go_negative=True)


@pytest.fixture
def fund(accounts):
    return accounts("fund", book="fund:a")


@pytest.fixture
def org(accounts):
    return accounts("org", may_go_negative=True)


def test_post_moves_money_and_verifies(bank, fund):
    t = transfer_post(key="k1", kind="income", legs=[(bank, 500), (fund, -500)])
    fund.refresh_from_db()
    assert fund.normal_balance == 500 and fund.available == 500
    assert t.book == "fund:a" and t.sequence == 1 and t.status == "posted"
    report = ledger_verify()
    assert report["ok"], report["faults"]
    assert report["transfers"] == 1 and report["heads"]["fund:a"]["hash"] == t.hash


def test_idempotent_same_key(bank, fund):
    a = transfer_post(key="k", kind="income", legs=[(bank, 500), (fund, -500)])
    b = transfer_post(key="k", kind="income", legs=[(bank, 500), (fund, -500)])
    assert a.pk == b.pk
    with pytest.raises(StateConflict):
        transfer_post(key="k", kind="income", legs=[(bank, 501), (fund, -501)])
    fund.refresh_from_db()
    assert fund.normal_balance == 500


def test_unbalanced_or_single_leg_refused(bank, fund):
    with pytest.raises(ValidationFailed):
        transfer_post(key="u", kind="x", legs=[(bank, 500), (fund, -400)])
    with pytest.raises(ValidationFailed):
        transfer_post(key="u", kind="x", legs=[(bank, 500)])
    assert not Transfer.objects.exists()


def test_fund_never_negative(bank, fund, org):
    transfer_post(key="in", kind="income", legs=[(bank, 100), (fund, -100)])
    with pytest.raises(InsufficientFunds):
        transfer_post(key="out", kind="grant", legs=[(fund, 101), (org, -101)])
    transfer_post(key="out2", kind="grant", legs=[(fund, 100), (org, -100)])
    fund.refresh_from_db()
    assert fund.normal_balance == 0


def test_two_phase_partial_posts_then_void(bank, fund, org):
    transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    p = transfer_pending(key="res", kind="grant", legs=[(fund, 800), (org, -800)])
    fund.refresh_from_db()
    assert fund.available == 200 and fund.normal_balance == 1000
    with pytest.raises(InsufficientFunds):
        transfer_post(key="too-much", kind="grant", legs=[(fund, 201), (org, -201)])
    transfer_post_pending(key="m1", pending=p, amount=300)
    again = transfer_post_pending(key="m1", pending=p, amount=300)
    assert again.amount == 300
    with pytest.raises(StateConflict):
        transfer_post_pending(key="m2", pending=p, amount=600)
    transfer_void(key="void", pending=p)
    p.refresh_from_db()
    assert p.status == "voided"
    with pytest.raises(StateConflict):
        transfer_post_pending(key="m3", pending=p, amount=1)
    with pytest.raises(StateConflict):
        transfer_void(key="void2", pending=p)
    fund.refresh_from_db()
    assert fund.normal_balance == 700 and fund.available == 700 and fund.pending_debits == 0
    assert ledger_verify()["ok"]


def test_full_post_marks_pending_posted(bank, fund, org):
    transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    p = transfer_pending(key="res", kind="grant", legs=[(fund, 800), (org, -800)])
    transfer_post_pending(key="m1", pending=p, amount=300)
    transfer_post_pending(key="m2", pending=p, amount=500)
    p.refresh_from_db()
    assert p.status == "posted"
    assert ledger_verify()["ok"]


def test_reverse_once(bank, fund, org):
    t = transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    transfer_reverse(key="rev", transfer=t)
    with pytest.raises(StateConflict):
        transfer_reverse(key="rev2", transfer=t)
    fund.refresh_from_db()
    assert fund.normal_balance == 0
    assert ledger_verify()["ok"]


def test_reverse_refused_when_money_spent(bank, fund, org):
    t = transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    transfer_post(key="out", kind="grant", legs=[(fund, 600), (org, -600)])
    with pytest.raises(InsufficientFunds):
        transfer_reverse(key="rev", transfer=t)
