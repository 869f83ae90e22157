"""Legs partitioned by year on PostgreSQL (#24): each leg lands in the partition of its
transfer's year in Chengdu's calendar, a year's statement reads one partition, ids stay unique
across partitions, legs of a year without a partition stay (checked) in the DEFAULT one, and the
migration keeps every leg with its id both ways, on SQLite too."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ledger import dbguard
from apps.ledger.books import balances_at
from apps.ledger.models import Leg, Transfer
from apps.ledger.partitioning import LEGS
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import BulkTransfer, leg_partitions_ensure, transfer_post, transfers_bulk_load
from tests.factories.ledger import AccountFactory
from tests.sql import rows

CHENGDU = ZoneInfo("Asia/Shanghai")
THIS_YEAR = timezone.localdate().year
postgres = pytest.mark.postgres


def _partitions_of(transfer) -> set[str]:
    return {r[0] for r in rows("SELECT tableoid::regclass::text FROM ledger_leg WHERE transfer_id = %s", [transfer.pk])}


def _accounts():
    bank = AccountFactory(kind="bank", normal="debit", may_go_negative=True)
    fund = AccountFactory(kind="fund", book="fund:p")
    return bank, fund


def _load(bank, fund, *moments):
    """Income of 100 fen to the fund at each moment (Chengdu time), booked as the seed books."""
    items = [
        BulkTransfer(key=f"in:{i}", kind="income", phase="single", legs=[(bank, 100), (fund, -100)], created_at=at)
        for i, at in enumerate(moments)
    ]
    return transfers_bulk_load(books={"fund:p": items})


@postgres
def test_legs_land_in_their_transfers_year_of_chengdus_calendar(db):
    bank, fund = _accounts()
    # 16:30 UTC on 31 December is already half past midnight on 1 January in Chengdu
    new_year = dt.datetime(THIS_YEAR - 1, 12, 31, 16, 30, tzinfo=dt.UTC)
    late = dt.datetime(THIS_YEAR - 1, 12, 31, 23, 0, tzinfo=CHENGDU)
    loaded = _load(bank, fund, new_year, late)
    assert _partitions_of(loaded["in:0"]) == {f"ledger_leg_{THIS_YEAR}"}
    assert _partitions_of(loaded["in:1"]) == {f"ledger_leg_{THIS_YEAR - 1}"}
    now = transfer_post(key="now", kind="income", legs=[(bank, 5), (fund, -5)])
    assert _partitions_of(now) == {f"ledger_leg_{timezone.localdate().year}"}
    assert set(Leg.objects.filter(transfer=now).values_list("created_at", flat=True)) == {now.created_at}
    assert ledger_verify()["ok"]


@postgres
def test_a_years_balance_reads_the_partitions_up_to_it(db):
    bank, fund = _accounts()
    _load(bank, fund, dt.datetime(THIS_YEAR - 1, 6, 1, tzinfo=CHENGDU), dt.datetime(THIS_YEAR, 6, 1, tzinfo=CHENGDU))
    with CaptureQueriesContext(connection) as queries:
        balances = balances_at(before=dt.datetime(THIS_YEAR, 1, 1, tzinfo=CHENGDU), accounts=[fund.pk])
    assert balances == {fund.pk: -100}
    plan = "\n".join(
        row[0]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        for row in rows("EXPLAIN " + q["sql"])
    )
    assert f"ledger_leg_{THIS_YEAR - 1}" in plan, plan
    assert f"ledger_leg_{THIS_YEAR}" not in plan and f"ledger_leg_{THIS_YEAR + 1}" not in plan, plan


@postgres
def test_a_leg_id_cannot_repeat_within_its_transfers_time(db):
    bank, fund = _accounts()
    loaded = _load(bank, fund, dt.datetime(THIS_YEAR - 1, 3, 1, tzinfo=CHENGDU))
    taken = Leg.objects.filter(transfer=loaded["in:0"]).first()
    unsealed = Transfer.objects.create(
        key="dup", kind="x", book="dup", sequence=1, prev_hash="0" * 64, hash="f" * 64, fingerprint="f" * 64,
        created_at=taken.created_at,
    )  # fmt: skip
    with pytest.raises(DatabaseError, match="ledger_leg"), transaction.atomic():
        Leg.objects.create(id=taken.pk, transfer=unsealed, account=fund, amount=5, created_at=unsealed.created_at)
    assert not rows("SELECT 1 FROM pg_trigger WHERE tgname = 'ledger_leg_id_unique'")


@postgres
def test_legs_of_a_year_without_a_partition_stay_in_the_default_one(db, caplog):
    far = THIS_YEAR + 9
    bank, fund = _accounts()
    loaded = _load(bank, fund, dt.datetime(far, 5, 1, tzinfo=CHENGDU))
    assert _partitions_of(loaded["in:0"]) == {"ledger_leg_default"}
    assert LEGS.default_rows(connection) == 2
    with caplog.at_level(logging.ERROR), connection.cursor() as cursor:
        assert LEGS.year_partition_create(cursor, far) is False  # legs never move
    assert "ledger_leg_default" in caplog.text
    assert _partitions_of(loaded["in:0"]) == {"ledger_leg_default"}
    assert ledger_verify()["ok"]
    # the job makes this year's and next year's when missing (here they exist: nothing to do)
    assert leg_partitions_ensure(today=timezone.localdate()) == []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE ledger_leg_{THIS_YEAR + 1}")
    assert leg_partitions_ensure(today=timezone.localdate()) == [THIS_YEAR + 1]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_leg_with_its_id_both_ways():
    bank, fund = _accounts()
    try:
        _load(
            bank, fund, dt.datetime(THIS_YEAR - 2, 7, 1, tzinfo=CHENGDU), dt.datetime(THIS_YEAR, 2, 1, tzinfo=CHENGDU)
        )
        transfer_post(key="now", kind="income", legs=[(bank, 7), (fund, -7)])
        dated = sorted(Leg.objects.values_list("pk", "transfer_id", "account_id", "amount", "created_at"))
        _migrate(("ledger", "0007_pg_seal_per_statement"))
        assert sorted(rows("SELECT id, transfer_id, account_id, amount FROM ledger_leg")) == [d[:4] for d in dated]
        if connection.vendor == "postgresql":
            assert rows("SELECT relkind FROM pg_class WHERE relname = 'ledger_leg'") == [("r",)]
        # the triggers of 0007 hold on the plain table
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_leg SET amount = 1")
        _migrate(("ledger", "0008_legs_partitioned_by_year"))
        assert sorted(Leg.objects.values_list("pk", "transfer_id", "account_id", "amount", "created_at")) == dated
        report = ledger_verify()
        assert report["ok"], report
        if connection.vendor == "postgresql":
            assert rows("SELECT relkind FROM pg_class WHERE relname = 'ledger_leg'") == [("p",)]
            first = Transfer.objects.get(key="in:0")
            assert _partitions_of(first) == {f"ledger_leg_{THIS_YEAR - 2}"}
        later = transfer_post(key="after", kind="income", legs=[(bank, 3), (fund, -3)])
        assert later.legs.count() == 2 and ledger_verify()["ok"]
        with pytest.raises(DatabaseError), transaction.atomic():
            Leg.objects.filter(transfer=later).update(amount=9)
    finally:
        _migrate(("ledger", "0008_legs_partitioned_by_year"))
        # a transactional test empties the tables after it: the ledger's rows go first, by hand
        dbguard.uninstall(connection)
        with connection.cursor() as cursor:
            for table in ("ledger_leg", "ledger_transfer", "ledger_book", "ledger_account"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        dbguard.install(connection)
