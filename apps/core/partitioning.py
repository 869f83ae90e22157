"""Tables partitioned by year on PostgreSQL (declarative ``PARTITION BY RANGE``); plain elsewhere.

Used by service-hour records (``apps/projects/partitioning.py``, by ``date``) and the ledger's legs
(``apps/ledger/partitioning.py``, by ``created_at``). A ``YearPartitioned`` table has one partition
per calendar year (``<table>_2026``) and a DEFAULT partition (``<table>_default``) that takes any
value without one, so an insert never fails. For a ``timestamp with time zone`` key the years are
those of the project's ``TIME_ZONE`` (a partition of 2026 starts at 2026-01-01 00:00 in Chengdu),
so a year's statement reads one partition. SQLite has no partitioning: every entry point checks
the vendor, and there the table stays a plain one.

What PostgreSQL changes, and how it still holds:

- The primary key must contain the partition key, so it is ``(id, <key>)``; Django still knows
  ``id`` as the primary key. Ids come from the table's sequence; with ``unique_ids`` a
  statement-level trigger (``<table>_id_unique``) also refuses an insert whose id is already used
  in any partition (only hand-written ids could collide; two concurrent transactions writing the
  same one are not serialized by it).
- No foreign key can point at ``id`` alone (the caller replaces those: see projects).
- Every index of the model is created on the parent, hence on each partition; the foreign keys the
  table itself holds are recreated on the parent under their names.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

log = logging.getLogger(__name__)


def _is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class YearPartitioned:
    table: str
    column: str  # the partition key
    noun: str  # names one row in the duplicate-id error: "a service-hour record"
    timestamp: bool = False  # the key is a timestamp with time zone (else a date)
    movable: bool = True  # rows may move out of the DEFAULT partition (False: append-only rows)
    unique_ids: bool = True  # a trigger keeps ids unique across partitions (for tables others reference)

    @property
    def default_partition(self) -> str:
        return f"{self.table}_default"

    @property
    def sequence(self) -> str:
        return f"{self.table}_id_seq"

    def partition_name(self, year: int) -> str:
        return f"{self.table}_{year}"

    def bounds(self, year: int) -> tuple:
        """The first value of ``year`` and of the next one."""
        if not self.timestamp:
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        zone = ZoneInfo(settings.TIME_ZONE)
        return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)

    def year_of(self, expression: str) -> str:
        """SQL for the year of ``expression`` (a value of the key), as the partitions count it."""
        if not self.timestamp:
            return f"EXTRACT(YEAR FROM {expression})::int"
        return f"EXTRACT(YEAR FROM ({expression}) AT TIME ZONE '{settings.TIME_ZONE}')::int"

    def is_partitioned(self, connection) -> bool:
        if not _is_postgres(connection):
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return bool(row and row[0])

    def year_partition_create(self, cursor, year: int) -> bool:
        """Make the partition of ``year`` if it is missing (False when it exists, or when rows of
        that year sit in the DEFAULT partition of a table whose rows may not move). Movable rows of
        that year already in the DEFAULT partition are moved into it, with their ids."""
        name = self.partition_name(year)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        start, end = self.bounds(year)
        bounds = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        in_year = f'"{self.column}" >= %s AND "{self.column}" < %s'
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.default_partition} WHERE {in_year})", [start, end])  # noqa: S608
        if not cursor.fetchone()[0]:
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {self.table} FOR VALUES {bounds}")
            return True
        if not self.movable:
            # PostgreSQL refuses a new partition whose rows sit in the DEFAULT one, and these rows
            # may not be deleted to move them: they stay where they are (still read and checked)
            log.error(
                "%s: rows of %s are in %s; no partition made for that year", self.table, year, self.default_partition
            )
            return False
        # Move them into a table that then becomes the year's partition.
        cursor.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"CREATE TABLE {name} (LIKE {self.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {self.default_partition} WHERE {in_year} RETURNING *) "  # noqa: S608
            f"INSERT INTO {name} SELECT * FROM moved",
            [start, end],
        )
        cursor.execute(f"ALTER TABLE {self.table} ATTACH PARTITION {name} FOR VALUES {bounds}")
        return True

    def partitions_ensure(self, connection, *, today: dt.date) -> list[int]:
        """The years whose partition was just made among this year and the next (PostgreSQL with
        the partitioned table only; elsewhere nothing to do)."""
        if not self.is_partitioned(connection):
            return []
        with connection.cursor() as cursor:
            return [year for year in (today.year, today.year + 1) if self.year_partition_create(cursor, year)]

    def default_rows(self, connection) -> int:
        """How many rows sit in the DEFAULT partition (0 where the table is not partitioned)."""
        if not self.is_partitioned(connection):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.default_partition}")  # noqa: S608
            return cursor.fetchone()[0]

    def _catalog(self, cursor) -> dict:
        """What the table has besides its columns: indexes, its own foreign keys, the sequence."""
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
            [self.table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [self.table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - from the catalog
        last_value, is_called = cursor.fetchone()
        return {"indexes": indexes, "foreign_keys": foreign_keys, "last_value": last_value, "is_called": is_called}

    def _rebuild(self, cursor, catalog: dict, old: str, *, primary_key: str, copy: str) -> None:
        """Copy ``old`` into the new table (already created) by ``copy`` (a SELECT with ``{old}``),
        drop it, then give the new table the primary key, the indexes and foreign keys of the
        catalog, and the sequence's position."""
        table = self.table
        cursor.execute(f"INSERT INTO {table} {copy.format(old=old)}")
        cursor.execute(f"DROP TABLE {old}")
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({primary_key})")
        for _name, definition in catalog["indexes"]:
            cursor.execute(definition)
        for name, definition in catalog["foreign_keys"]:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f"SELECT pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) FROM {table}", [table])  # noqa: S608
        sequence, highest = cursor.fetchone()
        if highest >= catalog["last_value"] and highest > 0:
            cursor.execute("SELECT setval(%s, %s, true)", [sequence, highest])
        else:
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, catalog["last_value"], catalog["is_called"]])
        cursor.execute(f"ANALYZE {table}")

    def _id_unique_install(self, cursor) -> None:
        table = self.table
        cursor.execute(
            f"""
CREATE OR REPLACE FUNCTION {table}_id_unique() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dup bigint;
BEGIN
  -- One index probe per new row and partition. EXECUTE plans it at each call: a plan cached by
  -- the session while the table was small (a fresh database being seeded) would scan the table.
  EXECUTE 'SELECT n.id FROM new_rows n WHERE (SELECT count(*) FROM {table} s WHERE s.id = n.id) > 1 LIMIT 1'
    INTO dup;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION '{self.noun} with id % already exists', dup USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {table}_id_unique AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {table}_id_unique();
CREATE OR REPLACE FUNCTION {table}_id_unique_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM {table} WHERE id = NEW.id) > 1 THEN
    RAISE EXCEPTION '{self.noun} with this id already exists' USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {table}_id_unique_update AFTER UPDATE OF id ON {table}
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {table}_id_unique_row();
"""  # noqa: S608 - constant SQL
        )

    def _set_aside(self, cursor, old: str) -> str:
        """Rename the table to ``old``, without its id sequence (the new table gets one)."""
        cursor.execute(f"ALTER TABLE {self.table} RENAME TO {old}")
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {self.sequence}")
        return old

    def partition(self, cursor, *, today: dt.date, copy: str = "SELECT * FROM {old}", years: str = "") -> None:
        """Turn the plain table into the partitioned one (the cursor's table locked and its
        incoming foreign keys already dropped by the caller), keeping every row with its id and the
        id sequence's position. ``copy`` selects the rows from ``{old}`` in column order;
        ``years`` is a query for the years present (default: the key's years in the old table)."""
        table = self.table
        catalog = self._catalog(cursor)
        old = self._set_aside(cursor, f"{table}_unpartitioned")
        cursor.execute(
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
            f'PARTITION BY RANGE ("{self.column}")'
        )
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{self.column}" SET NOT NULL')
        cursor.execute(f"CREATE SEQUENCE {self.sequence} AS bigint OWNED BY {table}.id")
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{self.sequence}')")
        cursor.execute(f"CREATE TABLE {self.default_partition} PARTITION OF {table} DEFAULT")
        key_year = self.year_of(f'"{self.column}"')
        cursor.execute(years or f"SELECT DISTINCT {key_year} FROM {old}")  # noqa: S608
        # the years present, next year, and the last two (a fresh database's demo seeds and the
        # late-logging window write past dates; an empty partition costs nothing)
        present = {row[0] for row in cursor.fetchall() if row[0] is not None}
        for year in sorted(present | {today.year + k for k in (-2, -1, 0, 1)}):
            self.year_partition_create(cursor, year)
        self._rebuild(cursor, catalog, old, primary_key=f'id, "{self.column}"', copy=copy)
        if self.unique_ids:
            self._id_unique_install(cursor)

    def unpartition(self, cursor, *, copy: str = "SELECT * FROM {old}") -> None:
        """Back to one plain table with ``id`` as its primary key (the table locked by the caller)."""
        table = self.table
        catalog = self._catalog(cursor)
        old = self._set_aside(cursor, f"{table}_partitioned")
        cursor.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING CONSTRAINTS INCLUDING STORAGE)")
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        self._rebuild(cursor, catalog, old, primary_key="id", copy=copy)
        for name in ("id_unique", "id_unique_row"):
            cursor.execute(f"DROP FUNCTION IF EXISTS {table}_{name}()")
