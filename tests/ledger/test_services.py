import datetime as dt
import hashlib
import json

import pytest

from apps.core.errors import StateConflict, ValidationFailed
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import (
    InsufficientFunds,
    hash_for,
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


def test_hash_is_the_documented_json(bank, fund):
    """The chain's format (published with the digests) stays: SHA-256 of one compact JSON list."""

    at = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    legs = [(fund, -5), (bank, 5)]
    body = json.dumps(
        [
            "ab" * 32,
            "fund:社区",
            7,
            'k"ey',
            "income",
            "single",
            "ref",
            "备注 \\ \n",
            "",
            "",
            at.isoformat(),
            sorted([[bank.code, 5], [fund.code, -5]]),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    expected = hashlib.sha256(body.encode()).hexdigest()
    assert expected == hash_for(
        prev_hash="ab" * 32,
        book="fund:社区",
        sequence=7,
        key='k"ey',
        kind="income",
        phase="single",
        legs=legs,
        reference="ref",
        memo="备注 \\ \n",
        pending_key="",
        reverses_key="",
        created_at=at,
    )


def test_chain_hashes_verify_with_unusual_text(accounts, bank):
    fund = accounts("fund2", book='fund:社区 "引号"')
    transfer_post(
        key='k"\\键', kind="income", legs=[(bank, 9), (fund, -9)], memo='捐款\n\t"quoted" \\', reference="r/é"
    )
    transfer_post(key="k2", kind="income", legs=[(bank, 1), (fund, -1)], memo="\u0001\u007f")
    report = ledger_verify()
    assert report["ok"], report["faults"]
    assert report["heads"]['fund:社区 "引号"']["sequence"] == 2
