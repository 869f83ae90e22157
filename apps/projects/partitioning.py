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

Next year's partition: ``year_partition_create`` (the service ``servicelog_partitions_ensure``,
run by the job ``projects_servicelog_partitions`` every few minutes) makes the current and the
next year's partitions when they are missing, so next year's exists from 1 January of this one.
Rows that already sit in the DEFAULT partition for that year are moved into the new one.
"""

from __future__ import annotations

import datetime as dt

TABLE = "projects_servicelog"
DEFAULT_PARTITION = f"{TABLE}_default"
SEQUENCE = f"{TABLE}_id_seq"

_ID_UNIQUE = f"""
CREATE OR REPLACE FUNCTION {TABLE}_id_unique() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dup bigint;
BEGIN
  -- One index probe per new row and partition. EXECUTE plans it at each call: a plan cached by
  -- the session while the table was small (a fresh database being seeded) would scan the table.
  EXECUTE 'SELECT n.id FROM new_rows n WHERE (SELECT count(*) FROM {TABLE} s WHERE s.id = n.id) > 1 LIMIT 1'
    INTO dup;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION 'a service-hour record with id % already exists', dup USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_id_unique AFTER INSERT ON {TABLE}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_id_unique();
CREATE OR REPLACE FUNCTION {TABLE}_id_unique_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM {TABLE} WHERE id = NEW.id) > 1 THEN
    RAISE EXCEPTION 'a service-hour record with this id already exists' USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_id_unique_update AFTER UPDATE OF id ON {TABLE}
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {TABLE}_id_unique_row();
"""  # noqa: S608 - constant SQL

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


def _is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


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


def partition_name(year: int) -> str:
    return f"{TABLE}_{year}"


def is_partitioned(connection) -> bool:
    if not _is_postgres(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0])


def year_partition_create(cursor, year: int) -> bool:
    """Make the partition of ``year`` if it is missing (False when it exists). Records of that
    year already in the DEFAULT partition are moved into it, with their ids."""
    name = partition_name(year)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    bounds = f"FROM ('{dt.date(year, 1, 1).isoformat()}') TO ('{dt.date(year + 1, 1, 1).isoformat()}')"
    cursor.execute(
        f'SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE "date" >= %s AND "date" < %s)',  # noqa: S608
        [dt.date(year, 1, 1), dt.date(year + 1, 1, 1)],
    )
    if not cursor.fetchone()[0]:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES {bounds}")
        return True
    # The DEFAULT partition holds rows of that year: move them into a table that then becomes the
    # year's partition (PostgreSQL refuses a new partition whose rows sit in the DEFAULT one).
    cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f'WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE "date" >= %s AND "date" < %s RETURNING *) '  # noqa: S608
        f"INSERT INTO {name} SELECT * FROM moved",
        [dt.date(year, 1, 1), dt.date(year + 1, 1, 1)],
    )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
    return True


def partitions_ensure(connection, *, today: dt.date) -> list[int]:
    """The years whose partition was just made among this year and the next (PostgreSQL with the
    partitioned table only; elsewhere nothing to do)."""
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        return [year for year in (today.year, today.year + 1) if year_partition_create(cursor, year)]


def _catalog(cursor) -> dict:
    """What the table has besides its columns: indexes, its own foreign keys, the sequence."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
        [TABLE],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [TABLE],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - from the catalog
    last_value, is_called = cursor.fetchone()
    return {"indexes": indexes, "foreign_keys": foreign_keys, "last_value": last_value, "is_called": is_called}


def _rebuild(cursor, catalog: dict, old: str, *, primary_key: str) -> None:
    """Copy ``old`` into the new ``TABLE`` (already created), drop it, then give the new table the
    primary key, the indexes and foreign keys of the catalog, and the sequence's position."""
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
    cursor.execute(f"DROP TABLE {old}")
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({primary_key})")
    for _name, definition in catalog["indexes"]:
        cursor.execute(definition)
    for name, definition in catalog["foreign_keys"]:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f"SELECT pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) FROM {TABLE}", [TABLE])  # noqa: S608
    sequence, highest = cursor.fetchone()
    if highest >= catalog["last_value"] and highest > 0:
        cursor.execute("SELECT setval(%s, %s, true)", [sequence, highest])
    else:
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, catalog["last_value"], catalog["is_called"]])
    cursor.execute(f"ANALYZE {TABLE}")


def partition(connection, fields, *, today: dt.date) -> None:
    """Turn the plain table into the partitioned one, keeping every row with its id and the id
    sequence's position (``fields``: those of ``referencing_fields``)."""
    refs = _references(fields)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        catalog = _catalog(cursor)
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        for table, name in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        old = f"{TABLE}_unpartitioned"
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
            f'PARTITION BY RANGE ("date")'
        )
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f'SELECT DISTINCT EXTRACT(YEAR FROM "date")::int FROM {old}')  # noqa: S608
        # the years present, next year, and the last two (a fresh database's demo seeds and the
        # late-logging window write past dates; an empty partition costs nothing)
        years = {row[0] for row in cursor.fetchall()} | {today.year + k for k in (-2, -1, 0, 1)}
        for year in sorted(years):
            year_partition_create(cursor, year)
        _rebuild(cursor, catalog, old, primary_key='id, "date"')
        cursor.execute(_ID_UNIQUE)
        for table, column in refs:
            reference_guard_install(cursor, table, column)
        referenced_guard_install(cursor, refs)


def unpartition(connection, schema_editor, fields) -> None:
    """Back to one plain table with ``id`` as its primary key and real foreign keys (``fields``:
    those of ``referencing_fields``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        catalog = _catalog(cursor)
        for table, column in _references(fields):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{_trigger_name(table, column)}" ON "{table}"')
        old = f"{TABLE}_partitioned"
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING CONSTRAINTS INCLUDING STORAGE)")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        _rebuild(cursor, catalog, old, primary_key="id")
        for name in ("id_unique", "id_unique_row", "keep_referenced", "reference_check"):
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_{name}()")
    for field in fields:
        schema_editor.execute(schema_editor._create_fk_sql(field.model, field, "_fk_%(to_table)s_%(to_column)s"))
