"""The ledger's legs (``ledger_leg``) partitioned by year on PostgreSQL (issue #24).

Each leg carries its transfer's ``created_at`` (the database refuses another value: see
``dbguard``), and on PostgreSQL the table is ``PARTITION BY RANGE (created_at)``, one partition per
year of Chengdu's calendar and a DEFAULT one (``apps/core/partitioning.py`` has the general rules:
primary key ``(id, created_at)``, the indexes and the two foreign keys on the parent). Nothing
references legs, so no foreign key is replaced, and a leg's id needs no trigger to keep it unique
across partitions: ids come from the sequence, and the primary key refuses one repeated within a
transfer's time. (Such a trigger, as service-hour records have, cost 10-15% of the one-by-one
append throughput: ``bench/ledger/bench.py`` at 4 clients 0.57× pgbench without it, 0.49-0.52×
with it, 5 Dec 2026.)

The ledger's triggers are on the parent: the append-only guard (per row, cloned onto each
partition) and the statement-level insert and seal checks, whose leg lookups name the transfer's
``created_at`` so each reads one partition. SQLite has no partitioning: there ``created_at`` is a
plain column and the same triggers check it.

Next year's partition: the job ``ledger_leg_partitions`` (the service
``leg_partitions_ensure``) makes this year's and next year's when missing. Legs may not be moved or
deleted, so a year whose legs already sit in the DEFAULT partition (a transfer dated outside every
partition) gets no partition of its own: those legs stay in DEFAULT, still read and checked, and
the job logs an error naming the year.
"""

from __future__ import annotations

import datetime as dt

from apps.core.partitioning import YearPartitioned

LEGS = YearPartitioned("ledger_leg", "created_at", noun="a ledger leg", timestamp=True, movable=False, unique_ids=False)

# the plain table's rows, each with its transfer's time
_COPY_DATED = (
    "(id, transfer_id, account_id, amount, created_at) "
    "SELECT l.id, l.transfer_id, l.account_id, l.amount, t.created_at "
    "FROM {old} l JOIN ledger_transfer t ON t.id = l.transfer_id"
)
_COPY_BACK = "(id, transfer_id, account_id, amount, created_at) SELECT id, transfer_id, account_id, amount, created_at FROM {old}"


def partition(connection, *, today: dt.date) -> None:
    """The plain table (``created_at`` added, empty) becomes the partitioned one, each leg dated as
    its transfer; the ledger's triggers are not there (the caller installs them after)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LEGS.table}, ledger_transfer IN ACCESS EXCLUSIVE MODE")
        years = f"SELECT DISTINCT {LEGS.year_of('created_at')} FROM ledger_transfer"  # noqa: S608
        LEGS.partition(cursor, today=today, copy=_COPY_DATED, years=years)


def unpartition(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LEGS.table} IN ACCESS EXCLUSIVE MODE")
        LEGS.unpartition(cursor, copy=_COPY_BACK)


def partitions_ensure(connection, *, today: dt.date) -> list[int]:
    return LEGS.partitions_ensure(connection, today=today)
