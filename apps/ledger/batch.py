"""Batched appends: many transfers in one database transaction, one chain-head update per book.

``transfers_append_batch`` books what ``transfer_post`` (phase ``single``) and
``transfer_post_pending`` with an ``amount`` (phase ``post``, two-leg reservations) would book one
by one, with the same keys, fingerprints and hashes, and under the same database triggers: the
transfers are inserted unsealed, their legs inserted, then all are sealed by one ``UPDATE``
whose row triggers check each transfer's balance and apply its legs to the cached balances. What
is done once per batch instead of once per transfer:

1. one query finds the keys already booked (same content: skipped as ``existing``; other
   content: refused with ``StateConflict``);
2. the reservations drawn on are locked (id order) and what is left of each computed once;
3. the accounts that may not go negative are locked once (id order, as ``ledger_append`` does)
   and each transfer is checked against the running balances in order: one that would take an
   account below zero, or draw more than is left of its reservation, is **refused and
   reported** (``refused``), never half-written, and the rest of the batch is booked;
4. each book's head is locked once (code order), the hashes computed in Python in order, the
   head moved once.

Lock order is the single-append path's (limited accounts, then book heads, then what the seal
trigger locks), so a batch and concurrent ``transfer_post`` calls queue rather than deadlock.
The batch is one transaction: killed at any point, it leaves nothing or everything; rerun with
the same keys, it books only what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.bulk import rows_insert
from apps.core.errors import StateConflict, ValidationFailed
from apps.ledger.models import Account, Book, Leg, Transfer
from apps.ledger.services import (
    AccountRef,
    InsufficientFunds,
    _book_for,
    _validate_legs,
    fingerprint_for,
    hash_for,
)

_LEG_FIELDS = ("transfer", "account", "amount", "created_at")


@dataclass(frozen=True)
class BatchTransfer:
    """One transfer of a batch: ``legs`` moves money now (as ``transfer_post``); or ``pending``
    and ``amount`` post that much of a two-leg reservation (as ``transfer_post_pending``)."""

    key: str
    kind: str
    legs: Sequence[tuple[Account | AccountRef, int]] = ()
    memo: str = ""
    reference: str = ""
    pending: Transfer | None = None
    amount: int = 0


@dataclass
class BatchOutcome:
    """Per key: ``booked`` by this batch and ``existing`` from before (transfer ids), ``refused``
    (the error the one-by-one path would have raised; nothing of it was written)."""

    booked: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    refused: dict[str, StateConflict] = field(default_factory=dict)


@dataclass
class _Row:
    item: BatchTransfer
    phase: str
    legs: list
    book: str
    reference: str
    memo: str
    pending_key: str
    fingerprint: str


def _reservations(items: Sequence[BatchTransfer]) -> tuple[dict[int, Transfer], dict[int, list[int]]]:
    """The reservations drawn on, locked in id order, and per reservation ``[debit account id,
    credit account id, fen left]`` (two-leg reservations only, as ``transfer_post_pending``)."""
    ids = sorted({t.pending.pk for t in items if t.pending is not None})
    if not ids:
        return {}, {}
    parents = {p.pk: p for p in Transfer.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    legs: dict[int, list] = defaultdict(list)
    for pk, account_id, amount in Leg.objects.filter(transfer_id__in=ids).values_list(
        "transfer_id", "account_id", "amount"
    ):
        legs[pk].append((account_id, amount))
    drawn: dict[int, int] = defaultdict(int)
    for pk, amount in Leg.objects.filter(transfer__pending_id__in=ids, amount__gt=0).values_list(
        "transfer__pending_id", "amount"
    ):
        drawn[pk] += amount
    sides = {}
    for pk in ids:
        if len(legs[pk]) != 2:
            raise ValidationFailed(_("Only a two-leg reservation can be posted in parts."))
        (debit, fen), (credit, _credit_fen) = sorted(legs[pk], key=lambda leg: -leg[1])
        sides[pk] = [debit, credit, fen - drawn[pk]]
    return parents, sides


def _prepare(item: BatchTransfer, sides: dict[int, list[int]], accounts: dict[int, Account]) -> _Row:
    if not isinstance(item.key, str) or not item.key or len(item.key) > 200:
        raise ValidationFailed(_("Bad idempotency key."), field_errors={"key": _("1 to 200 characters.")})
    reference = (item.reference or "")[:200]
    memo = (item.memo or "")[:500]
    if item.pending is None:
        legs = _validate_legs(list(item.legs), account_types=(Account, AccountRef))
        return _Row(item, "single", legs, _book_for(legs), reference, memo, "", "")
    if isinstance(item.amount, bool) or not isinstance(item.amount, int) or item.amount <= 0:
        raise ValidationFailed(_("Amounts are positive whole fen."), field_errors={"amount": _("Positive whole fen.")})
    debit, credit, _left = sides[item.pending.pk]
    legs = [(accounts[debit], item.amount), (accounts[credit], -item.amount)]
    return _Row(item, "post", legs, item.pending.book, reference or item.pending.reference, memo, item.pending.key, "")


class _Limits:
    """Running available balances of the locked accounts that may not go negative."""

    def __init__(self, ids):
        locked = (
            Account.objects.select_for_update()
            .filter(pk__in=ids, may_go_negative=False)
            .order_by("pk")
            .values_list("pk", "normal", "balance", "pending_debits", "pending_credits")
        )
        self.accounts = {pk: [normal == Account.Normal.DEBIT, *amounts] for pk, normal, *amounts in locked}

    @staticmethod
    def _available(debit: bool, balance: int, pd: int, pc: int) -> int:
        return balance - pc if debit else -balance - pd

    def admit(self, phase: str, legs) -> InsufficientFunds | None:
        """Apply the transfer's legs when no account would go below zero; else the refusal."""
        moved: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        sign = -1 if phase == "post" else 0
        for account, amount in legs:
            d = moved[account.pk]
            d[0] += amount
            if amount > 0:
                d[1] += sign * amount
            else:
                d[2] += sign * -amount
        for pk, (balance, pd, pc) in moved.items():
            acc = self.accounts.get(pk)
            if acc is None:
                continue
            debit, before_balance, before_pd, before_pc = acc
            after = self._available(debit, before_balance + balance, before_pd + pd, before_pc + pc)
            if after < 0 and after < self._available(*acc):
                return InsufficientFunds(Account.objects.get(pk=pk), -after)
        for pk, (balance, pd, pc) in moved.items():
            if (acc := self.accounts.get(pk)) is not None:
                acc[1] += balance
                acc[2] += pd
                acc[3] += pc
        return None


def _book_heads(codes: set[str]) -> dict[str, Book]:
    Book.objects.bulk_create([Book(code=code) for code in sorted(codes)], ignore_conflicts=True)
    return {b.code: b for b in Book.objects.select_for_update().filter(code__in=codes).order_by("code")}


def _transfer_ids(n: int) -> list[int]:
    """PostgreSQL: ``n`` ids from the table's sequence, so the rows can be COPYed with their ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ledger_transfer', 'id')) FROM generate_series(1, %s)", [n]
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(transfers: list[dict]) -> list[int]:
    """Insert unsealed transfers (field values by attname) and return their ids: COPY with ids
    taken from the table's sequence on PostgreSQL, no model built."""
    if connection.vendor != "postgresql":
        return [t.pk for t in Transfer.objects.bulk_create([Transfer(**values) for values in transfers])]
    ids = _transfer_ids(len(transfers))
    fields = Transfer._meta.concrete_fields  # the id included: taken from the sequence above
    names = [f.attname for f in fields]
    for values, pk in zip(transfers, ids, strict=True):
        values["id"] = pk
    rows_insert(Transfer, fields, [tuple(values.get(name) for name in names) for values in transfers])
    return ids


def _seal(ids: list[int]) -> None:
    """One statement seals them all: the database's seal checks and applies them (dbguard)."""
    if connection.vendor != "postgresql":
        Transfer.objects.filter(pk__in=ids).update(sealed=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transfer SET sealed = true WHERE id = ANY(%s)", [ids])


@transaction.atomic
def transfers_append_batch(*, transfers: Sequence[BatchTransfer]) -> BatchOutcome:
    """Book ``transfers`` in order in one database transaction (see the module's docstring)."""
    outcome = BatchOutcome()
    keys = [t.key for t in transfers]
    if len(set(keys)) != len(keys):
        raise ValueError("transfers_append_batch: a key appears twice in the batch")
    parents, sides = _reservations(transfers)
    accounts = Account.objects.in_bulk({pk for debit, credit, _left in sides.values() for pk in (debit, credit)})
    rows = []
    for item in transfers:
        row = _prepare(item, sides, accounts)
        row.fingerprint = fingerprint_for(
            kind=item.kind,
            phase=row.phase,
            legs=row.legs,
            reference=row.reference,
            pending_key=row.pending_key,
            reverses_key="",
        )
        rows.append(row)
    booked = {
        k: (pk, fp) for k, pk, fp in Transfer.objects.filter(key__in=keys).values_list("key", "pk", "fingerprint")
    }
    limits = _Limits({acc.pk for row in rows for acc, _amount in row.legs})
    admitted = []
    for row in rows:
        key = row.item.key
        if key in booked:
            pk, stored = booked[key]
            if stored == row.fingerprint:
                outcome.existing[key] = pk
            else:
                outcome.refused[key] = StateConflict(
                    _("This idempotency key was already used for a different transfer.")
                )
            continue
        if row.phase == "post":
            parent = parents[row.item.pending.pk]
            side = sides[parent.pk]
            if parent.status != Transfer.Status.PENDING or side[2] <= 0:
                outcome.refused[key] = StateConflict(
                    _("The reservation is already %(status)s.") % {"status": parent.get_status_display()}
                )
                continue
            if row.item.amount > side[2]:
                outcome.refused[key] = StateConflict(_("More than what is left of the reservation."))
                continue
        if (refusal := limits.admit(row.phase, row.legs)) is not None:
            outcome.refused[key] = refusal
            continue
        if row.phase == "post":
            side[2] -= row.item.amount
        admitted.append(row)
    if admitted:
        _append(admitted, parents, sides, outcome)
    return outcome


def _append(rows: list[_Row], parents: dict[int, Transfer], sides: dict[int, list[int]], outcome: BatchOutcome) -> None:
    heads = _book_heads({row.book for row in rows})
    created_at = timezone.now()
    transfers = []
    for row in rows:
        head = heads[row.book]
        head.sequence += 1
        digest = hash_for(
            prev_hash=head.head_hash,
            book=row.book,
            sequence=head.sequence,
            key=row.item.key,
            kind=row.item.kind,
            phase=row.phase,
            legs=row.legs,
            reference=row.reference,
            memo=row.memo,
            pending_key=row.pending_key,
            reverses_key="",
            created_at=created_at,
        )
        transfers.append(
            {
                "key": row.item.key,
                "kind": row.item.kind,
                "phase": row.phase,
                "status": Transfer.Status.POSTED,
                "pending_id": row.item.pending.pk if row.item.pending is not None else None,
                "reverses_id": None,
                "reference": row.reference,
                "memo": row.memo,
                "book": row.book,
                "sequence": head.sequence,
                "prev_hash": head.head_hash,
                "hash": digest,
                "fingerprint": row.fingerprint,
                "sealed": False,
                "created_at": created_at,
            }
        )
        head.head_hash = digest
    ids = _insert(transfers)
    rows_insert(
        Leg,
        [Leg._meta.get_field(name) for name in _LEG_FIELDS],
        [(pk, acc.pk, amount, created_at) for pk, row in zip(ids, rows, strict=True) for acc, amount in row.legs],
    )
    _seal(ids)
    used_up = [
        pk for pk, (_d, _c, left) in sides.items() if left == 0 and parents[pk].status == Transfer.Status.PENDING
    ]
    Transfer.objects.filter(pk__in=used_up).update(status=Transfer.Status.POSTED)
    for head in heads.values():
        Book.objects.filter(pk=head.pk).update(sequence=head.sequence, head_hash=head.head_hash)
    outcome.booked.update({row.item.key: pk for row, pk in zip(rows, ids, strict=True)})
