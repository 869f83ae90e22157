-- PROPOSAL, measured with bench_batch.py --seal-sql on a scratch database only (not a migration):
-- the seal's balance check and balance update once per statement over its transition tables,
-- instead of once per transfer row. PostgreSQL only (SQLite has row triggers only and keeps them).
CREATE OR REPLACE FUNCTION ledger_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'ledger: transfers are append-only'; END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.sealed THEN RAISE EXCEPTION 'ledger: a transfer is inserted unsealed'; END IF;
    RETURN NEW;
  END IF;
  IF (NEW.id, NEW.key, NEW.kind, NEW.phase, NEW.pending_id, NEW.reverses_id, NEW.reference, NEW.memo, NEW.book,
      NEW.sequence, NEW.prev_hash, NEW.hash, NEW.fingerprint, NEW.created_at) IS DISTINCT FROM
     (OLD.id, OLD.key, OLD.kind, OLD.phase, OLD.pending_id, OLD.reverses_id, OLD.reference, OLD.memo, OLD.book,
      OLD.sequence, OLD.prev_hash, OLD.hash, OLD.fingerprint, OLD.created_at) THEN
    RAISE EXCEPTION 'ledger: posted transfers are append-only';
  END IF;
  IF OLD.sealed THEN
    IF NOT (NEW.sealed AND OLD.phase = 'pending' AND OLD.status = 'pending' AND NEW.status IN ('posted', 'voided')) THEN
      RAISE EXCEPTION 'ledger: posted transfers are append-only';
    END IF;
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'ledger: posted transfers are append-only';
  END IF;
  RETURN NEW;  -- the balance check moved to the statement trigger below
END $$;

CREATE OR REPLACE FUNCTION ledger_transfer_seal_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  IF EXISTS (
    SELECT 1 FROM (
      SELECT n.id, COUNT(*) OVER (PARTITION BY n.id) AS legs,
             SUM(l.amount) OVER (PARTITION BY n.id, a.currency) AS total
      FROM new_t n JOIN old_t o ON o.id = n.id
      LEFT JOIN ledger_leg l ON l.transfer_id = n.id LEFT JOIN ledger_account a ON a.id = l.account_id
      WHERE n.sealed AND NOT o.sealed
    ) x WHERE x.legs < 2 OR x.total IS NULL OR x.total <> 0
  ) THEN
    RAISE EXCEPTION 'ledger: transfer does not balance';
  END IF;
  FOR d IN
    SELECT l.account_id,
      SUM(CASE WHEN n.phase IN ('single', 'post') THEN l.amount ELSE 0 END) AS moved,
      SUM((CASE n.phase WHEN 'pending' THEN 1 WHEN 'single' THEN 0 ELSE -1 END) * GREATEST(l.amount, 0)) AS pd,
      SUM((CASE n.phase WHEN 'pending' THEN 1 WHEN 'single' THEN 0 ELSE -1 END) * GREATEST(-l.amount, 0)) AS pc
    FROM new_t n JOIN old_t o ON o.id = n.id JOIN ledger_leg l ON l.transfer_id = n.id
    WHERE n.sealed AND NOT o.sealed
    GROUP BY l.account_id ORDER BY l.account_id
  LOOP
    UPDATE ledger_account SET balance = balance + d.moved, pending_debits = pending_debits + d.pd,
                              pending_credits = pending_credits + d.pc
      WHERE id = d.account_id;
  END LOOP;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer;
DROP TRIGGER IF EXISTS ledger_transfer_seal ON ledger_transfer;
CREATE TRIGGER ledger_transfer_seal AFTER UPDATE ON ledger_transfer
  REFERENCING OLD TABLE AS old_t NEW TABLE AS new_t
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_seal_statement();
