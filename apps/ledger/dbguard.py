"""Database triggers that enforce the ledger's invariants, per vendor (SQLite and PostgreSQL).

- legs can only be inserted into an unsealed transfer; legs are never updated or deleted;
- a transfer is inserted unsealed; sealing checks >= 2 legs and a zero sum per currency, then
  applies the legs to the accounts' cached balances (so the cache can't drift from the legs);
- a sealed transfer is never updated or deleted, except a pending transfer's status going
  pending -> posted/voided; an unsealed transfer only gets sealed.
- the account CHECK constraint (models.py) refuses a balance below zero where not allowed, and
  outstanding reservations below zero (over-posting a pending transfer).

SQLite checks and applies each row. PostgreSQL (since migration 0007) checks inserted legs and
transfers, and checks and applies the seal, once per statement over its transition tables: one
``UPDATE … SET sealed = true`` of a batch checks every transfer's balance in one query and moves
each account's cached balance once, with the same outcome as per row (see ``_pg_install``).

Since migration 0008 each leg carries its transfer's ``created_at`` (on PostgreSQL legs are
partitioned by it, ``apps/ledger/partitioning.py``): a leg with another value is refused (SQLite
``ledger_leg_dated``, PostgreSQL the statement-level insert check), and the seal finds a
transfer's legs by its id and time, so it reads one partition. Migrations before 0008 install
the triggers of their time (``dated=False``).

Tests that must empty the tables (transactional tests on SQLite, whose flush uses DELETE) call
``uninstall`` before the flush and ``install`` after; PostgreSQL's flush is a TRUNCATE.
"""

from __future__ import annotations

IMMUTABLE = [
    "id",
    "key",
    "kind",
    "phase",
    "pending_id",
    "reverses_id",
    "reference",
    "memo",
    "book",
    "sequence",
    "prev_hash",
    "hash",
    "fingerprint",
    "created_at",
]

_UNBALANCED = """
  (SELECT COUNT(*) FROM ledger_leg WHERE transfer_id = NEW.id) < 2
  OR EXISTS (SELECT 1 FROM ledger_leg l JOIN ledger_account a ON a.id = l.account_id
             WHERE l.transfer_id = NEW.id GROUP BY a.currency HAVING SUM(l.amount) <> 0)
"""

_SIGN = "(CASE NEW.phase WHEN 'pending' THEN 1 WHEN 'single' THEN 0 ELSE -1 END)"


def _sum(expr: str) -> str:
    return (
        f"(SELECT COALESCE(SUM({expr}), 0) FROM ledger_leg l "  # noqa: S608 - constant SQL
        "WHERE l.transfer_id = NEW.id AND l.account_id = ledger_account.id)"
    )


_APPLY = f"""
UPDATE ledger_account SET
  balance = balance + (CASE WHEN NEW.phase IN ('single', 'post') THEN {_sum("l.amount")} ELSE 0 END),
  pending_debits = pending_debits + {_SIGN} * {_sum("CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END")},
  pending_credits = pending_credits + {_SIGN} * {_sum("CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END")}
WHERE id IN (SELECT account_id FROM ledger_leg WHERE transfer_id = NEW.id)
"""  # noqa: S608 - constant SQL

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in IMMUTABLE)

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS ledger_leg_no_update BEFORE UPDATE ON ledger_leg
       BEGIN SELECT RAISE(ABORT, 'ledger: legs are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_leg_no_delete BEFORE DELETE ON ledger_leg
       BEGIN SELECT RAISE(ABORT, 'ledger: legs are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_leg_unsealed BEFORE INSERT ON ledger_leg
       WHEN (SELECT sealed FROM ledger_transfer WHERE id = NEW.transfer_id) IS NOT 0
       BEGIN SELECT RAISE(ABORT, 'ledger: transfer is sealed'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_transfer_no_delete BEFORE DELETE ON ledger_transfer
       BEGIN SELECT RAISE(ABORT, 'ledger: transfers are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_transfer_insert BEFORE INSERT ON ledger_transfer
       WHEN NEW.sealed <> 0
       BEGIN SELECT RAISE(ABORT, 'ledger: a transfer is inserted unsealed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_transfer_no_update BEFORE UPDATE ON ledger_transfer
       WHEN {_changed}
         OR (OLD.sealed <> 0 AND NOT (NEW.sealed <> 0 AND OLD.phase = 'pending' AND OLD.status = 'pending'
                                     AND NEW.status IN ('posted', 'voided')))
         OR (OLD.sealed = 0 AND NEW.status IS NOT OLD.status)
       BEGIN SELECT RAISE(ABORT, 'ledger: posted transfers are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_transfer_seal_check BEFORE UPDATE ON ledger_transfer
       WHEN OLD.sealed = 0 AND NEW.sealed <> 0 AND ({_UNBALANCED})
       BEGIN SELECT RAISE(ABORT, 'ledger: transfer does not balance'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_transfer_seal_apply AFTER UPDATE ON ledger_transfer
       WHEN OLD.sealed = 0 AND NEW.sealed <> 0
       BEGIN {_APPLY}; END""",
]
# since migration 0008: a leg carries its transfer's created_at (legs are partitioned by it on PostgreSQL)
SQLITE_DATED = [
    """CREATE TRIGGER IF NOT EXISTS ledger_leg_dated BEFORE INSERT ON ledger_leg
       WHEN NEW.created_at IS NOT (SELECT created_at FROM ledger_transfer WHERE id = NEW.transfer_id)
       BEGIN SELECT RAISE(ABORT, 'ledger: a leg is dated as its transfer'); END""",
]
SQLITE_TRIGGERS = [
    "ledger_leg_dated",
    "ledger_leg_no_update",
    "ledger_leg_no_delete",
    "ledger_leg_unsealed",
    "ledger_transfer_no_delete",
    "ledger_transfer_insert",
    "ledger_transfer_no_update",
    "ledger_transfer_seal_check",
    "ledger_transfer_seal_apply",
]

# PostgreSQL, migrations 0003 to 0006 (kept to migrate back): the seal checked and applied per row.
# One pass over the transfer's legs (by the transfer_id index), each account found by its primary
# key, so neither check nor update scans the accounts table.
_PG_UNBALANCED = """
  SELECT COALESCE(SUM(x.n), 0) < 2 OR COALESCE(bool_or(x.total <> 0), false) FROM (
    SELECT COUNT(*) AS n, SUM(y.amount) AS total FROM (
      SELECT l.amount, (SELECT a.currency FROM ledger_account a WHERE a.id = l.account_id) AS currency
      FROM ledger_leg l WHERE l.transfer_id = NEW.id
    ) y GROUP BY y.currency
  ) x
"""

_pg_changed = (
    "("
    + ", ".join(f"NEW.{c}" for c in IMMUTABLE)
    + ") IS DISTINCT FROM ("
    + ", ".join(f"OLD.{c}" for c in IMMUTABLE)
    + ")"
)

_PG_STATUS_RULES = """
  IF OLD.sealed THEN
    IF NOT (NEW.sealed AND OLD.phase = 'pending' AND OLD.status = 'pending'
            AND NEW.status IN ('posted', 'voided')) THEN
      RAISE EXCEPTION 'ledger: posted transfers are append-only';
    END IF;
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'ledger: posted transfers are append-only';
  END IF;"""

_PG_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS ledger_leg_guard ON ledger_leg",
    "DROP TRIGGER IF EXISTS ledger_leg_insert ON ledger_leg",
    "DROP TRIGGER IF EXISTS ledger_transfer_guard ON ledger_transfer",
    "DROP TRIGGER IF EXISTS ledger_transfer_insert ON ledger_transfer",
    "DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer",
    "DROP TRIGGER IF EXISTS ledger_transfer_seal ON ledger_transfer",
]

# one transfer's legs applied to its accounts, one UPDATE per account in id order
_PG_APPLY_LOOP = f"""  FOR d IN
    SELECT l.account_id,
      SUM(CASE WHEN NEW.phase IN ('single', 'post') THEN l.amount ELSE 0 END) AS moved,
      {_SIGN} * SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END) AS pd,
      {_SIGN} * SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END) AS pc
    FROM ledger_leg l WHERE l.transfer_id = NEW.id GROUP BY l.account_id ORDER BY l.account_id
  LOOP
    UPDATE ledger_account SET balance = balance + d.moved, pending_debits = pending_debits + d.pd,
                              pending_credits = pending_credits + d.pc
      WHERE id = d.account_id;
  END LOOP;"""  # noqa: S608 - constant SQL


def _one(sql: str, *, dated: bool) -> str:
    """Per-row SQL for the one transfer of a statement that seals one (``v_ids[1]``); ``dated``:
    its legs are found by transfer and time (one partition)."""
    if dated:
        sql = sql.replace("l.transfer_id = NEW.id", "l.transfer_id = NEW.id AND l.created_at = NEW.created_at")
    return sql.replace("NEW.id", "v_ids[1]").replace("NEW.phase", "v_phases[1]").replace("NEW.created_at", "v_times[1]")


PG_INSTALL_PER_ROW = [
    """CREATE OR REPLACE FUNCTION ledger_leg_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF (SELECT sealed FROM ledger_transfer WHERE id = NEW.transfer_id) IS DISTINCT FROM false THEN
      RAISE EXCEPTION 'ledger: transfer is sealed';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ledger: legs are append-only';
END $$""",
    f"""CREATE OR REPLACE FUNCTION ledger_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'ledger: transfers are append-only'; END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.sealed THEN RAISE EXCEPTION 'ledger: a transfer is inserted unsealed'; END IF;
    RETURN NEW;
  END IF;
  IF {_pg_changed} THEN RAISE EXCEPTION 'ledger: posted transfers are append-only'; END IF;{_PG_STATUS_RULES}
  IF NOT OLD.sealed AND NEW.sealed AND ({_PG_UNBALANCED}) THEN
    RAISE EXCEPTION 'ledger: transfer does not balance';
  END IF;
  RETURN NEW;
END $$""",
    f"""CREATE OR REPLACE FUNCTION ledger_transfer_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  IF OLD.sealed OR NOT NEW.sealed THEN RETURN NULL; END IF;
{_PG_APPLY_LOOP}
  RETURN NULL;
END $$""",  # noqa: S608 - constant SQL
    *_PG_DROP_TRIGGERS,
    "CREATE TRIGGER ledger_leg_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_leg "
    "FOR EACH ROW EXECUTE FUNCTION ledger_leg_guard()",
    "CREATE TRIGGER ledger_transfer_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_transfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_guard()",
    "CREATE TRIGGER ledger_transfer_apply AFTER UPDATE ON ledger_transfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_apply()",
    "DROP FUNCTION IF EXISTS ledger_transfer_seal()",
    "DROP FUNCTION IF EXISTS ledger_leg_insert_guard()",
    "DROP FUNCTION IF EXISTS ledger_transfer_insert_guard()",
]

# PostgreSQL since migration 0007: every check that can look at a whole statement does, once, over
# the statement's transition tables, so a batch of thousands of transfers sealed by one UPDATE
# checks its balances in one query and updates each account once (a cooperative's bank once per
# batch, not once per holder). One transfer sealed by one statement (``ledger_append``, the ORM
# path) is the same thing with one row. The rules are the per-row ones:
# - legs inserted: each one's transfer must exist unsealed (checked after the statement, so also
#   a leg added by a statement that seals its transfer at the same time);
# - transfers inserted: unsealed; a sealed transfer's columns never change (per row, BEFORE);
# - transfers sealed: each has >= 2 legs summing to zero per currency; then the accounts are
#   locked in id order and their cached balances move by the legs of all of them at once; the
#   CHECK constraints see the net, and the states in between (after each transfer, in id order)
#   are checked against the same rule for an account in more than one of them.
_PG_PHASE_SIGN = "(CASE n.phase WHEN 'pending' THEN 1 WHEN 'single' THEN 0 ELSE -1 END)"

# since migration 0008 (``dated``): each leg's created_at must be its transfer's
_PG_DATED_CHECK = """
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT transfer_id, created_at FROM new_legs) l
             JOIN ledger_transfer t ON t.id = l.transfer_id WHERE t.created_at IS DISTINCT FROM l.created_at) THEN
    RAISE EXCEPTION 'ledger: a leg is dated as its transfer';
  END IF;"""


def _pg_install(*, dated: bool) -> list[str]:
    return [
        """CREATE OR REPLACE FUNCTION ledger_leg_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: legs are append-only';
END $$""",
        f"""CREATE OR REPLACE FUNCTION ledger_leg_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT transfer_id FROM new_legs) l
             LEFT JOIN ledger_transfer t ON t.id = l.transfer_id WHERE t.sealed IS DISTINCT FROM false) THEN
    RAISE EXCEPTION 'ledger: transfer is sealed';
  END IF;{_PG_DATED_CHECK if dated else ""}
  RETURN NULL;
END $$""",  # noqa: S608 - constant SQL
        f"""CREATE OR REPLACE FUNCTION ledger_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'ledger: transfers are append-only'; END IF;
  IF {_pg_changed} THEN RAISE EXCEPTION 'ledger: posted transfers are append-only'; END IF;{_PG_STATUS_RULES}
  RETURN NEW;
END $$""",
        """CREATE OR REPLACE FUNCTION ledger_transfer_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_t WHERE sealed IS DISTINCT FROM false) THEN
    RAISE EXCEPTION 'ledger: a transfer is inserted unsealed';
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION ledger_transfer_seal() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
  d record;
  v_ids bigint[];
  v_phases text[];
  v_times timestamptz[];
  -- per transfer and account: legs, their sum, and what they move (balance, pending debits/credits)
  v_tid bigint[];
  v_acc bigint[];
  v_legs bigint[];
  v_total bigint[];
  v_moved bigint[];
  v_pd bigint[];
  v_pc bigint[];
  v_currencies int;
BEGIN
  SELECT array_agg(n.id ORDER BY n.id), array_agg(n.phase ORDER BY n.id), array_agg(n.created_at ORDER BY n.id)
    INTO v_ids, v_phases, v_times
    FROM new_t n JOIN old_t o ON o.id = n.id WHERE n.sealed AND NOT o.sealed;
  IF v_ids IS NULL THEN RETURN NULL; END IF;
  IF cardinality(v_ids) = 1 THEN  -- one transfer (every single append): the per-row steps, fewer queries
    IF ({_one(_PG_UNBALANCED, dated=dated)}) THEN
      RAISE EXCEPTION 'ledger: transfer does not balance';
    END IF;
{_one(_PG_APPLY_LOOP, dated=dated)}
    RETURN NULL;
  END IF;
  SELECT array_agg(x.tid ORDER BY x.acc, x.tid), array_agg(x.acc ORDER BY x.acc, x.tid),
         array_agg(x.legs ORDER BY x.acc, x.tid), array_agg(x.total ORDER BY x.acc, x.tid),
         array_agg(x.moved ORDER BY x.acc, x.tid), array_agg(x.pd ORDER BY x.acc, x.tid),
         array_agg(x.pc ORDER BY x.acc, x.tid)
    INTO v_tid, v_acc, v_legs, v_total, v_moved, v_pd, v_pc
    FROM (
      SELECT n.id AS tid, l.account_id AS acc, COUNT(*) AS legs, SUM(l.amount)::bigint AS total,
        SUM(CASE WHEN n.phase IN ('single', 'post') THEN l.amount ELSE 0 END)::bigint AS moved,
        SUM({_PG_PHASE_SIGN} * GREATEST(l.amount, 0))::bigint AS pd,
        SUM({_PG_PHASE_SIGN} * GREATEST(-l.amount, 0))::bigint AS pc
      FROM unnest(v_ids, v_phases, v_times) AS n(id, phase, created_at)
      -- per transfer by index (OFFSET 0 keeps the planner from a merge join over every leg)
      CROSS JOIN LATERAL (SELECT * FROM ledger_leg WHERE transfer_id = n.id{_LEG_TIME if dated else ""} OFFSET 0) l
      GROUP BY n.id, l.account_id
    ) x;
  -- the accounts locked in id order (as one transfer's seal locks them), their currencies counted
  SELECT COUNT(DISTINCT y.currency) INTO v_currencies FROM (
    SELECT a.currency FROM ledger_account a WHERE a.id = ANY(ARRAY(SELECT DISTINCT unnest(v_acc)))
    ORDER BY a.id FOR NO KEY UPDATE
  ) y;
  -- >= 2 legs and a zero sum per transfer (per currency, when there is more than one)
  IF EXISTS (
    SELECT 1 FROM unnest(v_ids) AS t(id)
    LEFT JOIN unnest(v_tid, v_legs, v_total) AS u(tid, legs, total) ON u.tid = t.id
    GROUP BY t.id HAVING COALESCE(SUM(u.legs), 0) < 2 OR COALESCE(SUM(u.total), 0) <> 0
  ) OR (v_currencies > 1 AND EXISTS (
    SELECT 1 FROM unnest(v_tid, v_acc, v_total) AS u(tid, acc, total) JOIN ledger_account a ON a.id = u.acc
    GROUP BY u.tid, a.currency HAVING SUM(u.total) <> 0
  )) THEN
    RAISE EXCEPTION 'ledger: transfer does not balance';
  END IF;
  UPDATE ledger_account a SET balance = a.balance + m.moved, pending_debits = a.pending_debits + m.pd,
                              pending_credits = a.pending_credits + m.pc
    FROM (
      SELECT u.acc, SUM(u.moved) AS moved, SUM(u.pd) AS pd, SUM(u.pc) AS pc
      FROM unnest(v_acc, v_moved, v_pd, v_pc) AS u(acc, moved, pd, pc) GROUP BY u.acc
    ) m
    WHERE a.id = m.acc;
  -- the states in between, for an account in more than one transfer: after each (in id order) its
  -- current value less what the later ones moved (one transfer: the CHECK constraints saw it)
  IF cardinality(v_ids) > 1 AND EXISTS (
    SELECT 1 FROM (
      SELECT u.acc, COUNT(*) OVER whole AS transfers,
        SUM(u.moved) OVER upto - SUM(u.moved) OVER whole AS moved,
        SUM(u.pd) OVER upto - SUM(u.pd) OVER whole AS pd,
        SUM(u.pc) OVER upto - SUM(u.pc) OVER whole AS pc,
        bool_or(u.pd <> 0 OR u.pc <> 0) OVER whole AS pending
      FROM unnest(v_acc, v_tid, v_moved, v_pd, v_pc) AS u(acc, tid, moved, pd, pc)
      WINDOW whole AS (PARTITION BY u.acc), upto AS (PARTITION BY u.acc ORDER BY u.tid)
    ) r JOIN ledger_account a ON a.id = r.acc
    WHERE r.transfers > 1 AND (NOT a.may_go_negative OR r.pending) AND (
      a.pending_debits + r.pd < 0 OR a.pending_credits + r.pc < 0
      OR (NOT a.may_go_negative AND CASE a.normal
            WHEN 'debit' THEN (a.balance + r.moved) - (a.pending_credits + r.pc)
            ELSE -(a.balance + r.moved) - (a.pending_debits + r.pd) END < 0))
  ) THEN
    RAISE EXCEPTION 'ledger: an account would go below zero during the statement'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$""",  # noqa: S608 - constant SQL
        *_PG_DROP_TRIGGERS,
        "DROP FUNCTION IF EXISTS ledger_transfer_apply()",
        "CREATE TRIGGER ledger_leg_guard BEFORE UPDATE OR DELETE ON ledger_leg "
        "FOR EACH ROW EXECUTE FUNCTION ledger_leg_guard()",
        "CREATE TRIGGER ledger_leg_insert AFTER INSERT ON ledger_leg REFERENCING NEW TABLE AS new_legs "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_leg_insert_guard()",
        "CREATE TRIGGER ledger_transfer_guard BEFORE UPDATE OR DELETE ON ledger_transfer "
        "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_guard()",
        "CREATE TRIGGER ledger_transfer_insert AFTER INSERT ON ledger_transfer REFERENCING NEW TABLE AS new_t "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_insert_guard()",
        "CREATE TRIGGER ledger_transfer_seal AFTER UPDATE ON ledger_transfer "
        "REFERENCING OLD TABLE AS old_t NEW TABLE AS new_t "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_seal()",
    ]


_LEG_TIME = " AND created_at = n.created_at"  # the transfer's legs, in one partition


def install(connection, *, per_row: bool = False, dated: bool = True) -> None:
    """The triggers of this version (``per_row``: PostgreSQL's before migration 0007; ``dated``:
    legs carry their transfer's time, since migration 0008)."""
    if connection.vendor == "postgresql":
        statements = PG_INSTALL_PER_ROW if per_row else _pg_install(dated=dated)
    else:
        statements = SQLITE_INSTALL + (SQLITE_DATED if dated else [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in _PG_DROP_TRIGGERS:
                cursor.execute(sql)
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def migrate_install(apps, schema_editor) -> None:
    """Migration 0002's triggers (legs without ``created_at``; 0008 installs today's)."""
    install(schema_editor.connection, dated=False)


def migrate_uninstall(apps, schema_editor) -> None:
    uninstall(schema_editor.connection)
