"""``transfers_append_batch``: many transfers in one database transaction, under the same triggers,
keys, fingerprints and hash chains as the one-by-one path."""

import pytest
from django.db import DatabaseError, transaction

from apps.core.errors import StateConflict
from apps.ledger.batch import BatchTransfer, transfers_append_batch
from apps.ledger.models import Account, Book, Leg, Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import (
    InsufficientFunds,
    transfer_pending,
    transfer_post,
    transfer_post_pending,
)


@pytest.fixture
def books(accounts):
    bank = accounts("bank", normal="debit", may_go_negative=True)
    fund = accounts("fund", book="fund:a")
    org = accounts("org")
    holders = [accounts(f"holder{i}", book="coop:1") for i in range(3)]
    coop_bank = accounts("coop_bank", normal="debit", may_go_negative=True, book="coop:1")
    transfer_post(key="gift", kind="donation", legs=[(bank, 10_000), (fund, -10_000)])
    reservation = transfer_pending(key="award", kind="grant", legs=[(fund, 6_000), (org, -6_000)])
    for i, holder in enumerate(holders):
        transfer_post(key=f"declare:{i}", kind="dividend", legs=[(coop_bank, 100), (holder, -100)])
    return {"bank": bank, "fund": fund, "org": org, "holders": holders, "coop_bank": coop_bank, "award": reservation}


def _mixed(b):
    payouts = [
        BatchTransfer(
            key=f"dividend:{i}", kind="dividend_payout", legs=[(holder, 100), (b["coop_bank"], -100)], memo="分红"
        )
        for i, holder in enumerate(b["holders"])
    ]
    payouts += [
        BatchTransfer(key="expense:1:payout", kind="grant_payout", pending=b["award"], amount=1_500, memo="报销"),
        BatchTransfer(key="milestone:1:payout", kind="grant_payout", pending=b["award"], amount=2_500),
    ]
    return payouts


def _state():
    return (
        sorted(Transfer.objects.values_list("key", "book", "sequence", "status")),
        sorted(Account.objects.values_list("code", "balance", "pending_debits", "pending_credits")),
        sorted(Book.objects.values_list("code", "sequence", "head_hash")),
    )


def test_a_mixed_batch_is_booked_once_and_a_rerun_books_nothing(books):
    outcome = transfers_append_batch(transfers=_mixed(books))
    assert len(outcome.booked) == 5 and not outcome.refused and not outcome.existing
    after = _state()
    again = transfers_append_batch(transfers=_mixed(books))
    assert not again.booked and not again.refused
    assert again.existing == outcome.booked
    assert _state() == after
    report = ledger_verify()
    assert report["ok"], report["faults"]
    books["org"].refresh_from_db()
    books["fund"].refresh_from_db()
    assert books["org"].normal_balance == 4_000 and books["org"].pending_credits == 2_000
    assert books["fund"].available == 4_000
    # one chain per book, continued in order: the coop book 3 declarations + 3 payouts, the fund 1 gift + 1 award + 2 posts
    heads = dict(Book.objects.values_list("code", "sequence"))
    assert heads["coop:1"] == 6 and heads["fund:a"] == 4


def test_batched_transfers_verify_like_the_one_by_one_path(books):
    """The chain hashes include the booking time, so the batch is compared with the one-by-one path by
    what ``ledger_verify`` recomputes (``hash_for`` over the same content) and by the fingerprints."""
    transfers_append_batch(transfers=_mixed(books)[:3])
    one = transfer_post_pending(key="expense:1:payout", pending=books["award"], amount=1_500, kind="grant_payout")
    rest = transfers_append_batch(transfers=_mixed(books))
    assert rest.existing["expense:1:payout"] == one.pk and set(rest.booked) == {"milestone:1:payout"}
    assert ledger_verify()["ok"]
    # what the batch booked is what the one-by-one path finds as its own: same key, same content
    again = transfer_post_pending(key="milestone:1:payout", pending=books["award"], amount=2_500, kind="grant_payout")
    assert again.pk == rest.booked["milestone:1:payout"]
    holder_payout = transfer_post(
        key="dividend:0", kind="dividend_payout", legs=[(books["holders"][0], 100), (books["coop_bank"], -100)]
    )
    assert holder_payout.pk == Transfer.objects.get(key="dividend:0").pk


def test_an_overdraft_is_refused_and_the_rest_of_the_batch_is_booked(books):
    holder = books["holders"][0]
    payouts = _mixed(books)
    payouts.insert(
        1,
        BatchTransfer(key="dividend:0:twice", kind="dividend_payout", legs=[(holder, 100), (books["coop_bank"], -100)]),
    )
    payouts.append(BatchTransfer(key="milestone:2:payout", kind="grant_payout", pending=books["award"], amount=2_001))
    outcome = transfers_append_batch(transfers=payouts)
    assert isinstance(outcome.refused["dividend:0:twice"], InsufficientFunds)
    assert isinstance(outcome.refused["milestone:2:payout"], StateConflict)
    assert set(outcome.refused) == {"dividend:0:twice", "milestone:2:payout"}
    assert not Transfer.objects.filter(key__in=outcome.refused).exists()
    assert len(outcome.booked) == 5
    holder.refresh_from_db()
    assert holder.balance == 0
    assert ledger_verify()["ok"]


def test_a_key_reused_with_other_content_is_refused(books):
    transfers_append_batch(transfers=_mixed(books))
    other = BatchTransfer(
        key="dividend:1", kind="dividend_payout", legs=[(books["holders"][1], 50), (books["coop_bank"], -50)]
    )
    outcome = transfers_append_batch(transfers=[other])
    assert isinstance(outcome.refused["dividend:1"], StateConflict) and not outcome.booked


def test_a_reservation_used_up_by_the_batch_is_posted(books):
    transfers_append_batch(
        transfers=[BatchTransfer(key="all", kind="grant_payout", pending=books["award"], amount=6_000)]
    )
    books["award"].refresh_from_db()
    assert books["award"].status == Transfer.Status.POSTED
    outcome = transfers_append_batch(
        transfers=[BatchTransfer(key="more", kind="grant_payout", pending=books["award"], amount=1)]
    )
    assert isinstance(outcome.refused["more"], StateConflict)


def test_the_database_still_refuses_what_the_batch_check_would_let_through(books, monkeypatch):
    """The triggers and CHECK constraints guard the batched path too: with the Python limit check
    switched off, an overdraft in the middle of a batch makes the database refuse the whole batch."""
    before = _state()
    monkeypatch.setattr("apps.ledger.batch._Limits.admit", lambda self, phase, legs: None)
    holder = books["holders"][2]
    overdraft = BatchTransfer(key="over", kind="dividend_payout", legs=[(holder, 101), (books["coop_bank"], -101)])
    with pytest.raises(DatabaseError), transaction.atomic():
        transfers_append_batch(transfers=[*_mixed(books)[:2], overdraft, *_mixed(books)[3:]])
    assert _state() == before
    assert not Leg.objects.filter(transfer__key__startswith="dividend:").exists()
