"""The ledger's public write API. Amounts are integer fen.

Legs are ``(Account, amount)`` pairs: **debit positive, credit negative**; a transfer's legs sum
to zero per currency and there are at least two. Every function takes an idempotency ``key``:
calling again with the same key and the same content returns the existing transfer; the same key
with different content raises ``StateConflict``.

- ``transfer_post``: move money now.
- ``transfer_pending``: reserve money (counts against the debited account's available balance).
- ``transfer_post_pending``: move all or part (``amount``, two-leg reservations) of what is
  still reserved; can be called several times until nothing is left.
- ``transfer_void``: release what is left of a reservation (once).
- ``transfer_reverse``: a reversing transfer (negated legs); a transfer is reversed at most once.
- ``transfers_bulk_load``: append many transfers at once (the large demo city), with the row
  triggers lifted for the load; the one other place that writes the hash chain.

Accounts with ``may_go_negative=False`` can't go below zero on their normal side (checked here
under a row lock, and by a CHECK constraint in the database). Returned transfers are sealed; the
``Account`` objects you passed are not refreshed (call ``refresh_from_db``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.bulk import objects_insert, rows_insert
from apps.core.errors import StateConflict, ValidationFailed
from apps.ledger import dbguard, partitioning
from apps.ledger.models import Account, Book, Digest, Leg, Transfer

MAIN_BOOK = "main"


class InsufficientFunds(StateConflict):
    """The transfer would take an account that may not go negative below zero."""

    def __init__(self, account: Account, needed: int):
        super().__init__(_("Not enough money in %(account)s.") % {"account": account.name or account.code})
        self.account = account
        self.needed = needed


# --------------------------------------------------------------------------- accounts


def account_get_or_create(
    *,
    owner_type: str,
    owner_id: str | int = "",
    kind: str,
    currency: str = "CNY",
    normal: str = Account.Normal.CREDIT,
    may_go_negative: bool = False,
    book: str = MAIN_BOOK,
    name: str = "",
) -> Account:
    """The account of ``owner_type``/``owner_id`` of this ``kind`` and currency, created on first use.

    ``normal`` is the side its balance normally sits on ("credit" for what a fund or organization
    holds, "debit" for money in a bank/Stripe or an expense). ``book`` names the hash chain its
    transfers go to (a transfer goes to the first non-"main" book among its accounts).
    """
    owner_id = str(owner_id)
    code = f"{owner_type}:{owner_id}:{kind}:{currency}"
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                code=code,
                owner_type=owner_type,
                owner_id=owner_id,
                kind=kind,
                currency=currency,
                normal=normal,
                may_go_negative=may_go_negative,
                book=book,
                name=name or code,
            )
    except IntegrityError:
        return Account.objects.get(code=code)


class AccountRef(NamedTuple):
    """What booking a leg needs of an account, read without building the model: the batched path
    (``apps.ledger.batch``) takes it wherever it takes an ``Account``."""

    pk: int
    code: str
    currency: str
    book: str


# --------------------------------------------------------------------------- hashing


def _legs_canonical(legs: Sequence[tuple[Account, int]]) -> list[list]:
    return sorted([[acc.code, int(amount)] for acc, amount in legs])


def fingerprint_for(*, kind, phase, legs, reference, pending_key, reverses_key) -> str:
    body = json.dumps(
        [kind, phase, reference, pending_key or "", reverses_key or "", _legs_canonical(legs)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def hash_for(
    *, prev_hash, book, sequence, key, kind, phase, legs, reference, memo, pending_key, reverses_key, created_at
) -> str:
    """SHA-256 of the JSON list ``[prev_hash, book, sequence, key, kind, phase, reference, memo,
    pending_key, reverses_key, created_at (UTC ISO), sorted [[account code, amount], ...]]``
    (no spaces, UTF-8)."""
    book_json, rest = _hash_parts(
        book=book,
        key=key,
        kind=kind,
        phase=phase,
        legs=legs,
        reference=reference,
        memo=memo,
        pending_key=pending_key,
        reverses_key=reverses_key,
        created_at=created_at,
    )
    body = "[" + json.dumps(prev_hash, ensure_ascii=False) + "," + book_json + "," + json.dumps(sequence) + "," + rest
    return hashlib.sha256(body.encode()).hexdigest()


def _hash_parts(*, book, key, kind, phase, legs, reference, memo, pending_key, reverses_key, created_at):
    """``hash_for``'s body without the head: the book as JSON and everything after the sequence.

    PostgreSQL's ``ledger_append`` hashes ``'["' || prev_hash || '",' || book || ',' || sequence ||
    ',' || rest``, which is byte for byte the JSON ``hash_for`` hashes (``ledger_verify`` recomputes
    every hash with ``hash_for``, so a difference would show as a fault).
    """
    rest = json.dumps(
        [
            key,
            kind,
            phase,
            reference,
            memo,
            pending_key or "",
            reverses_key or "",
            created_at.astimezone(dt.UTC).isoformat(),
            _legs_canonical(legs),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return json.dumps(book, ensure_ascii=False), rest[1:]


# --------------------------------------------------------------------------- core


def _validate_legs(legs, *, account_types: type | tuple = Account) -> list[tuple[Account | AccountRef, int]]:
    if not isinstance(legs, list | tuple) or len(legs) < 2:
        raise ValidationFailed(_("A transfer needs at least two legs."), field_errors={"legs": _("At least two legs.")})
    clean = []
    per_currency: dict[str, int] = defaultdict(int)
    for leg in legs:
        account, amount = leg
        if not isinstance(account, account_types) or account.pk is None:
            raise ValidationFailed(_("Unknown account."), field_errors={"legs": _("Unknown account.")})
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise ValidationFailed(
                _("Amounts are non-zero whole fen."), field_errors={"legs": _("Amounts are non-zero whole fen.")}
            )
        per_currency[account.currency] += amount
        clean.append((account, amount))
    if any(total != 0 for total in per_currency.values()):
        raise ValidationFailed(
            _("The transfer does not balance."), field_errors={"legs": _("Debits must equal credits.")}
        )
    return clean


def _book_for(legs) -> str:
    books = sorted({acc.book for acc, _amount in legs if acc.book != MAIN_BOOK})
    return books[0] if books else MAIN_BOOK


def _lock_book(code: str) -> Book:
    Book.objects.get_or_create(code=code)
    return Book.objects.select_for_update().get(code=code)


def _check_limits(locked: dict[int, Account], phase: str, legs, *, release=False) -> None:
    """Refuse when an account that may not go negative would have less than zero available."""
    delta_balance: dict[int, int] = defaultdict(int)
    delta_pd: dict[int, int] = defaultdict(int)
    delta_pc: dict[int, int] = defaultdict(int)
    sign = {"pending": 1, "single": 0}.get(phase, -1)
    for acc, amount in legs:
        if phase in ("single", "post"):
            delta_balance[acc.pk] += amount
        if amount > 0:
            delta_pd[acc.pk] += sign * amount
        else:
            delta_pc[acc.pk] += sign * -amount
    for pk, acc in locked.items():
        if acc.may_go_negative:
            continue
        balance = acc.balance + delta_balance[pk]
        pd = acc.pending_debits + delta_pd[pk]
        pc = acc.pending_credits + delta_pc[pk]
        available = balance - pc if acc.normal == Account.Normal.DEBIT else -balance - pd
        before = acc.available
        if available < 0 and available < before:
            raise InsufficientFunds(acc, -available)


def _append(
    *,
    key: str,
    kind: str,
    phase: str,
    status: str,
    legs,
    memo: str = "",
    reference: str = "",
    book: str | None = None,
    pending: Transfer | None = None,
    reverses: Transfer | None = None,
) -> Transfer:
    if not isinstance(key, str) or not key or len(key) > 200:
        raise ValidationFailed(_("Bad idempotency key."), field_errors={"key": _("1 to 200 characters.")})
    legs = _validate_legs(legs)
    content = {
        "key": key,
        "kind": kind,
        "phase": phase,
        "legs": legs,
        "reference": (reference or "")[:200],
        "memo": (memo or "")[:500],
        "pending_key": pending.key if pending else "",
        "reverses_key": reverses.key if reverses else "",
    }
    fingerprint = fingerprint_for(
        kind=kind,
        phase=phase,
        legs=legs,
        reference=content["reference"],
        pending_key=content["pending_key"],
        reverses_key=content["reverses_key"],
    )
    book_code = book or _book_for(legs)
    if connection.vendor == "postgresql":
        if not connection.in_atomic_block:  # one statement, its own transaction
            return _append_pg(content, status, book_code, fingerprint, pending, reverses)
        with transaction.atomic():
            return _append_pg(content, status, book_code, fingerprint, pending, reverses)
    with transaction.atomic():
        return _append_orm(content, status, book_code, fingerprint, pending, reverses)


def _existing(pk: int | None, fingerprint: str, stored_fingerprint: str | None) -> Transfer:
    if stored_fingerprint != fingerprint:
        raise StateConflict(_("This idempotency key was already used for a different transfer."))
    return Transfer.objects.get(pk=pk)


def _row(content: dict, status: str, book_code: str, fingerprint: str, pending, reverses) -> dict:
    fields = ("key", "kind", "phase", "reference", "memo")
    return {
        **{f: content[f] for f in fields},
        "status": status,
        "pending": pending,
        "reverses": reverses,
        "book": book_code,
        "fingerprint": fingerprint,
    }


def _append_pg(content: dict, status: str, book_code: str, fingerprint: str, pending, reverses) -> Transfer:
    """One round trip: ``ledger_append`` (apps/ledger/pgappend.py) checks, locks, hashes and seals."""
    created_at = timezone.now()
    legs = content["legs"]
    hash_book, hash_rest = _hash_parts(book=book_code, created_at=created_at, **content)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM ledger_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::bigint[], %s::bigint[], %s, %s)",
            [
                content["key"],
                content["kind"],
                content["phase"],
                status,
                book_code,
                pending.pk if pending else None,
                reverses.pk if reverses else None,
                content["reference"],
                content["memo"],
                fingerprint,
                created_at,
                [acc.pk for acc, _amount in legs],
                [amount for _acc, amount in legs],
                hash_book,
                hash_rest,
            ],
        )
        outcome, pk, sequence, prev_hash, digest, stored_fingerprint, account_id, needed = cursor.fetchone()
    if outcome == "exists":
        return _existing(pk, fingerprint, stored_fingerprint)
    if outcome == "insufficient":
        raise InsufficientFunds(Account.objects.get(pk=account_id), needed)
    transfer = Transfer(
        pk=pk,
        **_row(content, status, book_code, fingerprint, pending, reverses),
        sequence=sequence,
        prev_hash=prev_hash,
        hash=digest,
        sealed=True,
        created_at=created_at,
    )
    transfer._state.adding = False
    transfer._state.db = connection.alias
    return transfer


def _append_orm(content: dict, status: str, book_code: str, fingerprint: str, pending, reverses) -> Transfer:
    """SQLite (``BEGIN IMMEDIATE`` serialises writers): the same steps as ``ledger_append``."""
    legs = content["legs"]
    head = _lock_book(book_code)
    existing = Transfer.objects.filter(key=content["key"]).first()
    if existing is not None:
        return _existing(existing.pk, fingerprint, existing.fingerprint)
    ids = sorted({acc.pk for acc, _amount in legs})
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    _check_limits(locked, content["phase"], [(locked[acc.pk], amount) for acc, amount in legs])
    created_at = timezone.now()
    sequence = head.sequence + 1
    digest = hash_for(prev_hash=head.head_hash, book=book_code, sequence=sequence, created_at=created_at, **content)
    transfer = Transfer.objects.create(
        **_row(content, status, book_code, fingerprint, pending, reverses),
        sequence=sequence,
        prev_hash=head.head_hash,
        hash=digest,
        sealed=False,
        created_at=created_at,
    )
    Leg.objects.bulk_create(
        [Leg(transfer=transfer, account=acc, amount=amount, created_at=created_at) for acc, amount in legs]
    )
    Transfer.objects.filter(pk=transfer.pk).update(sealed=True)
    Book.objects.filter(pk=head.pk).update(sequence=sequence, head_hash=digest)
    transfer.sealed = True
    return transfer


def transfer_post(
    *,
    key: str,
    kind: str,
    legs: list[tuple[Account, int]],
    memo: str = "",
    reference: str = "",
    book: str | None = None,
) -> Transfer:
    """Move money now (status ``posted``)."""
    return _append(
        key=key, kind=kind, phase="single", status="posted", legs=legs, memo=memo, reference=reference, book=book
    )


def transfer_pending(
    *,
    key: str,
    kind: str,
    legs: list[tuple[Account, int]],
    memo: str = "",
    reference: str = "",
    book: str | None = None,
) -> Transfer:
    """Reserve money (status ``pending``) to post later in one or several parts, or void."""
    return _append(
        key=key, kind=kind, phase="pending", status="pending", legs=legs, memo=memo, reference=reference, book=book
    )


def pending_remaining(pending: Transfer) -> dict[int, int]:
    """Per account id, the part of a pending transfer's legs not yet posted or voided."""
    remaining: dict[int, int] = defaultdict(int)
    for leg in pending.legs.all():
        remaining[leg.account_id] += leg.amount
    for child in pending.resolutions.all():
        for leg in child.legs.all():
            remaining[leg.account_id] -= leg.amount
    return {k: v for k, v in remaining.items() if v}


def _locked_pending(pending: Transfer) -> Transfer:
    if pending.phase != Transfer.Phase.PENDING:
        raise StateConflict(_("Not a pending transfer."))
    return Transfer.objects.select_for_update().get(pk=pending.pk)


@transaction.atomic
def transfer_post_pending(
    *,
    key: str,
    pending: Transfer,
    amount: int | None = None,
    memo: str = "",
    reference: str = "",
    kind: str | None = None,
) -> Transfer:
    """Post ``amount`` fen (default: all that is left) of a pending transfer.

    A partial ``amount`` needs a two-leg reservation. When nothing is left the pending transfer
    becomes ``posted``.
    """
    parent = _locked_pending(pending)  # lock first: a concurrent call with this key has then committed
    existing = Transfer.objects.filter(key=key).first()
    if existing is not None and existing.pending_id == parent.pk and existing.phase == "post":
        if amount is None or existing.amount == amount:
            return existing
        raise StateConflict(_("This idempotency key was already used for a different transfer."))
    if parent.status != Transfer.Status.PENDING:
        raise StateConflict(_("The reservation is already %(status)s.") % {"status": parent.status})
    remaining = pending_remaining(parent)
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=remaining)}
    if amount is None:
        legs = [(accounts[pk], value) for pk, value in remaining.items()]
    else:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValidationFailed(
                _("Amounts are positive whole fen."), field_errors={"amount": _("Positive whole fen.")}
            )
        if len(remaining) != 2:
            raise ValidationFailed(_("Only a two-leg reservation can be posted in parts."))
        (debit_pk, debit), (credit_pk, credit) = sorted(remaining.items(), key=lambda kv: -kv[1])
        if amount > debit:
            raise StateConflict(_("More than what is left of the reservation."))
        legs = [(accounts[debit_pk], amount), (accounts[credit_pk], -amount)]
    transfer = _append(
        key=key,
        kind=kind or parent.kind,
        phase="post",
        status="posted",
        legs=legs,
        memo=memo,
        reference=reference or parent.reference,
        book=parent.book,
        pending=parent,
    )
    if not pending_remaining(parent):
        Transfer.objects.filter(pk=parent.pk).update(status=Transfer.Status.POSTED)
    return transfer


@transaction.atomic
def transfer_void(*, key: str, pending: Transfer, memo: str = "") -> Transfer:
    """Release what is left of a pending transfer (it becomes ``voided``); once."""
    parent = _locked_pending(pending)  # lock first: a concurrent call with this key has then committed
    existing = Transfer.objects.filter(key=key).first()
    if existing is not None and existing.pending_id == parent.pk and existing.phase == "void":
        return existing
    if parent.status != Transfer.Status.PENDING:
        raise StateConflict(_("The reservation is already %(status)s.") % {"status": parent.status})
    remaining = pending_remaining(parent)
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=remaining)}
    transfer = _append(
        key=key,
        kind=parent.kind,
        phase="void",
        status="voided",
        legs=[(accounts[pk], value) for pk, value in remaining.items()],
        memo=memo,
        reference=parent.reference,
        book=parent.book,
        pending=parent,
    )
    Transfer.objects.filter(pk=parent.pk).update(status=Transfer.Status.VOIDED)
    return transfer


@transaction.atomic
def transfer_reverse(
    *, key: str, transfer: Transfer, memo: str = "", reference: str = "", kind: str = "reversal"
) -> Transfer:
    """A transfer with the legs negated, booked once per original (409 for a second reversal)."""
    original = Transfer.objects.select_for_update().get(pk=transfer.pk)
    existing = Transfer.objects.filter(key=key).first()
    if existing is not None and existing.reverses_id == transfer.pk:
        return existing
    if original.phase not in ("single", "post") or original.status != Transfer.Status.POSTED:
        raise StateConflict(_("Only a posted transfer can be reversed."))
    if Transfer.objects.filter(reverses=original).exists():
        raise StateConflict(_("This transfer was already reversed."))
    legs = [(leg.account, -leg.amount) for leg in original.legs.select_related("account")]
    return _append(
        key=key,
        kind=kind,
        phase="single",
        status="posted",
        legs=legs,
        memo=memo or f"reversal of {original.key}",
        reference=reference or original.reference,
        book=original.book,
        reverses=original,
    )


# --------------------------------------------------------------------------- bulk loads


@dataclass(frozen=True)
class BulkTransfer:
    """One transfer of ``transfers_bulk_load``, as ``transfer_post``/``transfer_pending``/
    ``transfer_post_pending``/``transfer_void`` would have appended it at ``created_at``."""

    key: str
    kind: str
    phase: str
    legs: Sequence[tuple[Account, int]]
    created_at: dt.datetime
    memo: str = ""
    reference: str = ""
    status: str = "posted"
    pending_key: str = ""  # the reservation a post/void phase draws on, loaded before it in its book


@transaction.atomic
def transfers_bulk_load(
    *, books: Mapping[str, Sequence[BulkTransfer]], progress: Callable[[int], None] | None = None
) -> dict[str, Transfer]:
    """Append each book's transfers in the order given, sealed, with their legs, continuing the
    book's hash chain as ``_append`` does, and return them by key.

    The row triggers (``dbguard``) seal one transfer at a time, which took over half an hour for
    240,000 transfers; here they are lifted for the load, inside this transaction (a failure puts
    them back with everything else), and the accounts' cached balances get what the legs say in
    one update per account, as the seal trigger computes it. The accounts' CHECK constraints still
    apply; ``ledger_verify`` rechecks chains and balances. ``progress`` gets the number of
    transfers loaded after each book."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # balance, pending debits, credits
    loaded: dict[str, Transfer] = {}
    done = 0
    now = timezone.now()
    dbguard.uninstall(connection)
    for book, transfers in books.items():
        _bulk_load_book(book, transfers, loaded, deltas, now=now)
        done += len(transfers)
        if progress:
            progress(done)
    for pk, (balance, pending_debits, pending_credits) in sorted(deltas.items()):
        Account.objects.filter(pk=pk).update(
            balance=F("balance") + balance,
            pending_debits=F("pending_debits") + pending_debits,
            pending_credits=F("pending_credits") + pending_credits,
        )
    dbguard.install(connection)
    return loaded


def _bulk_load_book(book: str, transfers: Sequence[BulkTransfer], loaded: dict, deltas: dict, *, now) -> None:
    head, _created = Book.objects.get_or_create(code=book)
    sequence, prev = head.sequence, head.head_hash
    rows: dict[str, Transfer] = {}
    for t in transfers:
        legs = _validate_legs(list(t.legs))
        if t.key in rows or t.key in loaded:
            raise ValueError(f"bulk load: key {t.key} twice")
        if t.pending_key and t.pending_key not in rows:
            raise ValueError(f"bulk load: {t.key} draws on {t.pending_key}, not loaded before it in book {book}")
        sequence += 1
        content = {
            "key": t.key,
            "kind": t.kind,
            "phase": t.phase,
            "legs": legs,
            "reference": t.reference[:200],
            "memo": t.memo[:500],
            "pending_key": t.pending_key,
            "reverses_key": "",
        }
        digest = hash_for(prev_hash=prev, book=book, sequence=sequence, created_at=t.created_at, **content)
        del content["memo"], content["key"]
        rows[t.key] = Transfer(
            key=t.key,
            kind=t.kind,
            phase=t.phase,
            status=t.status,
            reference=content["reference"],
            memo=t.memo[:500],
            book=book,
            sequence=sequence,
            prev_hash=prev,
            hash=digest,
            fingerprint=fingerprint_for(**content),
            sealed=True,
            created_at=t.created_at,
        )
        prev = digest
        sign = {"pending": 1, "single": 0}.get(t.phase, -1)
        for account, amount in legs:
            d = deltas[account.pk]
            if t.phase in ("single", "post"):
                d[0] += amount
            if amount > 0:
                d[1] += sign * amount
            else:
                d[2] += sign * -amount
    objects_insert(Transfer, [rows[t.key] for t in transfers if not t.pending_key], now=now)
    children = []
    for t in transfers:
        if t.pending_key:
            rows[t.key].pending_id = rows[t.pending_key].pk
            children.append(rows[t.key])
    objects_insert(Transfer, children, now=now)
    rows_insert(
        Leg,
        [Leg._meta.get_field(name) for name in ("transfer", "account", "amount", "created_at")],
        [(rows[t.key].pk, account.pk, amount, t.created_at) for t in transfers for account, amount in t.legs],
    )
    Book.objects.filter(pk=head.pk).update(sequence=sequence, head_hash=prev)
    loaded.update(rows)


# --------------------------------------------------------------------------- digests


@transaction.atomic
def digest_make(*, date: dt.date | None = None) -> list[Digest]:
    """Publish each book's head as of the end of ``date`` (default yesterday, server time)."""
    date = date or (timezone.localdate() - dt.timedelta(days=1))
    end = timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min))
    made = []
    for code in Transfer.objects.order_by().values_list("book", flat=True).distinct():
        last = Transfer.objects.filter(book=code, created_at__lt=end).order_by("-sequence").first()
        if last is None:
            continue
        digest, _created = Digest.objects.update_or_create(
            book=code,
            date=date,
            defaults={"sequence": last.sequence, "head_hash": last.hash, "transfers": last.sequence},
        )
        made.append(digest)
    return made


# --------------------------------------------------------------------------- partitions


@transaction.atomic
def leg_partitions_ensure(*, today: dt.date) -> list[int]:
    """Make this year's and next year's partition of the legs when one is missing (PostgreSQL;
    SQLite has no partitions) and return the years made. A year whose legs already sit in the
    DEFAULT partition gets none (legs never move); that is logged as an error. See
    ``apps.ledger.partitioning``."""
    return partitioning.partitions_ensure(connection, today=today)
