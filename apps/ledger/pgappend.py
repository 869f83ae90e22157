"""PostgreSQL: append one transfer in a single statement (``SELECT * FROM ledger_append(...)``).

The service computes everything that doesn't depend on the book's head in Python (validation,
fingerprint, the hashed body minus the head) and this function does the rest in one round trip:

1. an existing transfer with the key -> ``exists`` (the caller compares fingerprints);
2. locks the accounts that may not go negative (id order) and refuses when one would have less
   than zero available -> ``insufficient`` (nothing written);
3. locks the book's head (created on first use), takes the next sequence and hashes
   ``["<prev_hash>",<book>,<sequence>,<rest>`` exactly like ``services.hash_for``;
4. inserts the transfer unsealed (``ON CONFLICT (key) DO NOTHING``: a concurrent insert of the
   same key that committed first -> ``exists``), inserts the legs, seals (the triggers of dbguard
   check the balance and apply the legs to the cached balances, locking the accounts in id order)
   and moves the book's head -> ``ok``.

The triggers still enforce every invariant: this function only issues the statements the Python
path issues, with fewer round trips, and takes the head lock and the locks of accounts that may go
negative (a shared bank or Stripe account) as late as possible. Called outside a transaction it is
its own transaction, so the head and the shared accounts are locked for one statement only.
"""

from __future__ import annotations

_FUNCTION = r"""CREATE OR REPLACE FUNCTION ledger_append(
  p_key text, p_kind text, p_phase text, p_status text, p_book text,
  p_pending bigint, p_reverses bigint, p_reference text, p_memo text, p_fingerprint text,
  p_created_at timestamptz, p_accounts bigint[], p_amounts bigint[], p_hash_book text, p_hash_rest text)
RETURNS TABLE (outcome text, transfer_id bigint, seq bigint, prev text, digest text, fingerprint text,
               account_id bigint, needed bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_id bigint;
  v_fp text;
  v_seq bigint;
  v_prev text;
  v_hash text;
  r record;
  v_after bigint;
  v_before bigint;
  v_sign int := CASE p_phase WHEN 'pending' THEN 1 WHEN 'single' THEN 0 ELSE -1 END;
  v_moves boolean := p_phase IN ('single', 'post');
BEGIN
  SELECT t.id, t.fingerprint INTO v_id, v_fp FROM ledger_transfer t WHERE t.key = p_key;
  IF FOUND THEN
    RETURN QUERY SELECT 'exists'::text, v_id, NULL::bigint, NULL::text, NULL::text, v_fp, NULL::bigint, NULL::bigint;
    RETURN;
  END IF;

  FOR r IN
    SELECT a.id, a.normal, a.balance, a.pending_debits, a.pending_credits, d.db, d.dpd, d.dpc
    FROM ledger_account a JOIN (
      SELECT u.acc,
        SUM(CASE WHEN v_moves THEN u.amt ELSE 0 END) AS db,
        SUM(CASE WHEN u.amt > 0 THEN v_sign * u.amt ELSE 0 END) AS dpd,
        SUM(CASE WHEN u.amt < 0 THEN v_sign * -u.amt ELSE 0 END) AS dpc
      FROM unnest(p_accounts, p_amounts) AS u(acc, amt) GROUP BY u.acc
    ) d ON d.acc = a.id
    WHERE NOT a.may_go_negative ORDER BY a.id FOR UPDATE OF a
  LOOP
    IF r.normal = 'debit' THEN
      v_after := (r.balance + r.db) - (r.pending_credits + r.dpc);
      v_before := r.balance - r.pending_credits;
    ELSE
      v_after := -(r.balance + r.db) - (r.pending_debits + r.dpd);
      v_before := -r.balance - r.pending_debits;
    END IF;
    IF v_after < 0 AND v_after < v_before THEN
      RETURN QUERY SELECT 'insufficient'::text, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text,
                          r.id, -v_after;
      RETURN;
    END IF;
  END LOOP;

  SELECT b.sequence, b.head_hash INTO v_seq, v_prev FROM ledger_book b WHERE b.code = p_book FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO ledger_book (code, sequence, head_hash) VALUES (p_book, 0, repeat('0', 64))
      ON CONFLICT (code) DO NOTHING;
    SELECT b.sequence, b.head_hash INTO v_seq, v_prev FROM ledger_book b WHERE b.code = p_book FOR UPDATE;
  END IF;
  v_seq := v_seq + 1;
  v_hash := encode(sha256(convert_to(
    '["' || v_prev || '",' || p_hash_book || ',' || v_seq::text || ',' || p_hash_rest, 'UTF8')), 'hex');

  INSERT INTO ledger_transfer (key, kind, phase, status, pending_id, reverses_id, reference, memo, book,
                               sequence, prev_hash, hash, fingerprint, sealed, created_at)
    VALUES (p_key, p_kind, p_phase, p_status, p_pending, p_reverses, p_reference, p_memo, p_book,
            v_seq, v_prev, v_hash, p_fingerprint, false, p_created_at)
    ON CONFLICT (key) DO NOTHING
    RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    SELECT t.id, t.fingerprint INTO v_id, v_fp FROM ledger_transfer t WHERE t.key = p_key;
    RETURN QUERY SELECT 'exists'::text, v_id, NULL::bigint, NULL::text, NULL::text, v_fp, NULL::bigint, NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO ledger_leg (transfer_id, account_id, amount, created_at)
    SELECT v_id, u.acc, u.amt, p_created_at FROM unnest(p_accounts, p_amounts) WITH ORDINALITY AS u(acc, amt, n)
    ORDER BY u.n;
  UPDATE ledger_transfer SET sealed = true WHERE id = v_id;
  UPDATE ledger_book SET sequence = v_seq, head_hash = v_hash WHERE code = p_book;
  RETURN QUERY SELECT 'ok'::text, v_id, v_seq, v_prev, v_hash, p_fingerprint, NULL::bigint, NULL::bigint;
END $$"""
INSTALL = [_FUNCTION]
# before migration 0008, legs had no created_at
INSTALL_UNDATED = [
    _FUNCTION.replace("(transfer_id, account_id, amount, created_at)", "(transfer_id, account_id, amount)").replace(
        "u.amt, p_created_at FROM", "u.amt FROM"
    )
]

UNINSTALL = [
    "DROP FUNCTION IF EXISTS ledger_append(text, text, text, text, text, bigint, bigint, text, text, text, "
    "timestamptz, bigint[], bigint[], text, text)"
]


def install(connection, *, dated: bool = True) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in INSTALL if dated else INSTALL_UNDATED:
            cursor.execute(sql)


def migrate_uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in UNINSTALL:
            cursor.execute(sql)
