"""Database triggers that enforce the ledger's invariants, per vendor (SQLite and PostgreSQL).

- legs can only be inserted into an unsealed transfer; legs are never updated or deleted;
- a transfer is inserted unsealed; sealing checks >= 2 legs and a zero sum per currency, then
  applies the legs to the accounts' cached balances (so the cache can't drift from the legs);
- a sealed transfer is never updated or deleted, except a pending transfer's status going
  pending -> posted/voided; an unsealed transfer only gets sealed.
- the account CHECK constraint (models.py) refuses a balance below zero where not allowed, and
  outstanding reservations below zero (over-posting a pending transfer).

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
SQLITE_TRIGGERS = [
    "ledger_leg_no_update",
    "ledger_leg_no_delete",
    "ledger_leg_unsealed",
    "ledger_transfer_no_delete",
    "ledger_transfer_insert",
    "ledger_transfer_no_update",
    "ledger_transfer_seal_check",
    "ledger_transfer_seal_apply",
]

# PostgreSQL: one pass over the transfer's legs (by the transfer_id index), each account found by
# its primary key, so neither check nor update scans the accounts table.
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

PG_INSTALL = [
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
  IF {_pg_changed} THEN RAISE EXCEPTION 'ledger: posted transfers are append-only'; END IF;
  IF OLD.sealed THEN
    IF NOT (NEW.sealed AND OLD.phase = 'pending' AND OLD.status = 'pending'
            AND NEW.status IN ('posted', 'voided')) THEN
      RAISE EXCEPTION 'ledger: posted transfers are append-only';
    END IF;
  ELSE
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      RAISE EXCEPTION 'ledger: posted transfers are append-only';
    END IF;
    IF NEW.sealed AND ({_PG_UNBALANCED}) THEN
      RAISE EXCEPTION 'ledger: transfer does not balance';
    END IF;
  END IF;
  RETURN NEW;
END $$""",
    f"""CREATE OR REPLACE FUNCTION ledger_transfer_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  IF OLD.sealed OR NOT NEW.sealed THEN RETURN NULL; END IF;
  FOR d IN
    SELECT l.account_id,
      SUM(CASE WHEN NEW.phase IN ('single', 'post') THEN l.amount ELSE 0 END) AS moved,
      {_SIGN} * SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END) AS pd,
      {_SIGN} * SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END) AS pc
    FROM ledger_leg l WHERE l.transfer_id = NEW.id GROUP BY l.account_id ORDER BY l.account_id
  LOOP
    UPDATE ledger_account SET balance = balance + d.moved, pending_debits = pending_debits + d.pd,
                              pending_credits = pending_credits + d.pc
      WHERE id = d.account_id;
  END LOOP;
  RETURN NULL;
END $$""",  # noqa: S608 - constant SQL
    "DROP TRIGGER IF EXISTS ledger_leg_guard ON ledger_leg",
    "CREATE TRIGGER ledger_leg_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_leg "
    "FOR EACH ROW EXECUTE FUNCTION ledger_leg_guard()",
    "DROP TRIGGER IF EXISTS ledger_transfer_guard ON ledger_transfer",
    "CREATE TRIGGER ledger_transfer_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_transfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_guard()",
    "DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer",
    "CREATE TRIGGER ledger_transfer_apply AFTER UPDATE ON ledger_transfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_apply()",
]


def install(connection) -> None:
    statements = PG_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_leg_guard ON ledger_leg")
            cursor.execute("DROP TRIGGER IF EXISTS ledger_transfer_guard ON ledger_transfer")
            cursor.execute("DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def migrate_install(apps, schema_editor) -> None:
    install(schema_editor.connection)


def migrate_uninstall(apps, schema_editor) -> None:
    uninstall(schema_editor.connection)
