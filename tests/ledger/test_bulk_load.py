"""``transfers_bulk_load``: the large demo's books, loaded with the row triggers lifted, continue
each book's hash chain, leave the cached balances the legs say, and put the triggers back."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.ledger.models import Leg, Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import BulkTransfer, transfer_post, transfers_bulk_load


@pytest.fixture
def book(accounts):
    bank = accounts("bank", normal="debit", may_go_negative=True)
    fund = accounts("fund", book="fund:a")
    org = accounts("org", may_go_negative=True)
    transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    return bank, fund, org


def test_a_bulk_load_continues_the_chain_and_keeps_the_books(book):
    bank, fund, org = book
    at = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=1)
    loaded = transfers_bulk_load(
        books={
            "fund:a": [
                BulkTransfer(
                    key="gift", kind="donation", phase="single", legs=[(bank, 500), (fund, -500)], created_at=at
                ),
                BulkTransfer(
                    key="reserve",
                    kind="grant",
                    phase="pending",
                    status="pending",
                    legs=[(fund, 1200), (org, -1200)],
                    created_at=at,
                ),
                BulkTransfer(
                    key="payout",
                    kind="grant_payout",
                    phase="post",
                    pending_key="reserve",
                    legs=[(fund, 400), (org, -400)],
                    created_at=at + dt.timedelta(seconds=1),
                ),
            ]
        }
    )
    assert [loaded[k].sequence for k in ("gift", "reserve", "payout")] == [2, 3, 4]
    assert loaded["payout"].pending_id == loaded["reserve"].pk
    report = ledger_verify()
    assert report["ok"], report["faults"]
    fund.refresh_from_db()
    assert (fund.balance, fund.pending_debits) == (-1500 + 400, 1200 - 400)
    # The triggers are back: a sealed transfer's legs can't change.
    with pytest.raises(DatabaseError), transaction.atomic():
        Leg.objects.filter(transfer=loaded["gift"]).update(amount=1)


def test_a_failed_bulk_load_leaves_nothing_and_the_triggers_in_place(book):
    bank, fund, _org = book
    at = timezone.now()
    with pytest.raises(ValidationFailed):
        transfers_bulk_load(
            books={
                "fund:a": [
                    BulkTransfer(
                        key="ok", kind="donation", phase="single", legs=[(bank, 5), (fund, -5)], created_at=at
                    ),
                    BulkTransfer(
                        key="bad", kind="donation", phase="single", legs=[(bank, 5), (fund, -4)], created_at=at
                    ),
                ]
            }
        )
    assert not Transfer.objects.filter(key__in=["ok", "bad"]).exists()
    assert ledger_verify()["ok"]
    with pytest.raises(DatabaseError), transaction.atomic():
        Transfer.objects.filter(key="in").update(memo="changed")
