"""Service-hour records (``projects_servicelog``) partitioned by year on PostgreSQL.

The table is ``PARTITION BY RANGE (date)``: one partition per calendar year
(``projects_servicelog_2026``; the migration makes those of the years present, of the last two
and of the next) and a DEFAULT partition (``projects_servicelog_default``) that takes
any date without one, so an insert never fails. SQLite has no partitioning: there the table stays
a plain table and nothing here runs (every entry point checks the vendor).

What PostgreSQL changes, and how each rule still holds in the database:

- A partitioned table's primary key must contain the partition key, so it is ``(id, date)``.
  Django still knows ``id`` as the primary key (its migration state is unchanged). ``id`` stays
  unique: a statement-level trigger refuses an insert whose id is already used, in any partition.
  (Ids come from the table's sequence; only hand-written ids could collide, and two concurrent
  transactions writing the same hand-written id are not serialized by it.)
- No foreign key can point at ``id`` alone. The columns that pointed there
  (``ServiceLogAmendment.original``/``replacement``, ``shifts.Attendance.service_log``) lose
  their FOREIGN KEY and get constraint triggers instead, deferred like Django's foreign keys:
  a row naming a missing record is refused, and so is deleting (or renumbering) a record that
  a row still names. A record moved between partitions (a date changed, a partition made) is
  not gone. Both refuse with SQLSTATE 23503, as a foreign key would.
- Every index of the model is created on the parent, hence on each partition.

A new model pointing at ServiceLog must use ``db_constraint=False`` and call
``reference_guard_install`` in a migration (RunPython), and the keep-referenced function must be
rebuilt with it (``referenced_guard_install``). A unique constraint on ServiceLog must include
``date``.

Next year's partition: ``SERVICELOG.year_partition_create`` (``apps/core/partitioning.py``; the service ``servicelog_partitions_ensure``,
run by the job ``projects_servicelog_partitions`` every few minutes) makes the current and the
next year's partitions when they are missing, so next year's exists from 1 January of this one.
Rows that already sit in the DEFAULT partition for that year are moved into the new one.
"""

from __future__ import annotations

import datetime as dt

from apps.core.partitioning import YearPartitioned

TABLE = "projects_servicelog"
SERVICELOG = YearPartitioned(TABLE, "date", noun="a service-hour record")

_REFERENCE_CHECK = f"""
CREATE OR REPLACE FUNCTION {TABLE}_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ref bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
  found_rows bigint;
BEGIN
  IF ref IS NOT NULL THEN
    -- planned at each call, like the id check above
    EXECUTE 'SELECT 1 FROM {TABLE} WHERE id = $1 FOR KEY SHARE' USING ref;
    GET DIAGNOSTICS found_rows = ROW_COUNT;
    IF found_rows = 0 THEN
      RAISE EXCEPTION '%.% = % names no service-hour record', TG_TABLE_NAME, TG_ARGV[0], ref
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  RETURN NULL;
END $$;
"""  # noqa: S608 - constant SQL


def _trigger_name(table: str, column: str) -> str:
    return f"{table}_{column}_ref"[:63]


def referencing_fields(apps) -> list:
    """Every concrete model field that points at ServiceLog, from the given app registry (a
    migration's historical apps or the live one)."""
    model = apps.get_model("projects", "ServiceLog")
    return [rel.field for rel in model._meta.related_objects if rel.field.concrete]


def _references(fields) -> list[tuple[str, str]]:
    return sorted((field.model._meta.db_table, field.column) for field in fields)


def reference_guard_install(cursor, table: str, column: str) -> None:
    """The referencing half of a foreign key to a partitioned ServiceLog: a row of ``table``
    whose ``column`` names no record is refused (checked at commit, like Django's FKs)."""
    cursor.execute(_REFERENCE_CHECK)
    name = _trigger_name(table, column)
    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
    cursor.execute(
        f'CREATE CONSTRAINT TRIGGER "{name}" AFTER INSERT OR UPDATE OF "{column}" ON "{table}" '
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"EXECUTE FUNCTION {TABLE}_reference_check('{column}')"
    )


def referenced_guard_install(cursor, refs: list[tuple[str, str]]) -> None:
    """The referenced half: deleting a record, or changing its id, is refused while a row of
    ``refs`` names it (checked at commit; a record moved to another partition is still there)."""
    named = " OR ".join(f'EXISTS (SELECT 1 FROM "{t}" WHERE "{c}" = OLD.id)' for t, c in refs) or "FALSE"  # noqa: S608
    cursor.execute(
        f"""
CREATE OR REPLACE FUNCTION {TABLE}_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM {TABLE} WHERE id = OLD.id) THEN
    RETURN NULL;
  END IF;
  IF {named} THEN
    RAISE EXCEPTION 'service-hour record % is still referenced', OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {TABLE}_keep_referenced ON {TABLE};
CREATE CONSTRAINT TRIGGER {TABLE}_keep_referenced AFTER DELETE OR UPDATE OF id ON {TABLE}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TABLE}_keep_referenced();
"""  # noqa: S608 - table names from the models
    )


def partition(connection, fields, *, today: dt.date) -> None:
    """Turn the plain table into the partitioned one, keeping every row with its id and the id
    sequence's position (``fields``: those of ``referencing_fields``)."""
    refs = _references(fields)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        for table, name in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        SERVICELOG.partition(cursor, today=today)
        for table, column in refs:
            reference_guard_install(cursor, table, column)
        referenced_guard_install(cursor, refs)


def unpartition(connection, schema_editor, fields) -> None:
    """Back to one plain table with ``id`` as its primary key and real foreign keys (``fields``:
    those of ``referencing_fields``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        for table, column in _references(fields):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{_trigger_name(table, column)}" ON "{table}"')
        SERVICELOG.unpartition(cursor)
        for name in ("keep_referenced", "reference_check"):
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_{name}()")
    for field in fields:
        schema_editor.execute(schema_editor._create_fk_sql(field.model, field, "_fk_%(to_table)s_%(to_column)s"))


def is_partitioned(connection) -> bool:
    return SERVICELOG.is_partitioned(connection)


def partitions_ensure(connection, *, today: dt.date) -> list[int]:
    """The years whose partition was just made among this year and the next."""
    return SERVICELOG.partitions_ensure(connection, today=today)
