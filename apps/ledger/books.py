"""Books for accountants (#23): the trial balance at a date and the general ledger, in the codes
of 民间非营利组织会计制度 (``PolicyVersion.ledger_account_codes``, see ``apps/core/accounting.py``).

A *book* is a hash chain (``fund:<code>``, ``coop:<id>``, ``main``). The trial balance of one
book takes every transfer that touches one of the book's accounts (or was chained in the book),
with all its legs: the counter-accounts of the fund's money (Stripe, the organizations paid) are
in it, so it balances by construction, and a cooperative's public-welfare share to a fund (chained
in the cooperative's book) is in the fund's. Balances are sums of posted legs (``single`` and
``post``; a reservation moves nothing until posted) up to the end of the day in Asia/Shanghai,
aggregated in SQL per account.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active, users_with_role
from apps.core.accounting import account_code, code_name, transfer_code
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.money import fen_to_str
from apps.core.selectors import policy_current
from apps.ledger.labels import transfer_kind_label, transfer_memo_display
from apps.ledger.models import Account, Book, Leg
from apps.notifications.services import notify

logger = logging.getLogger(__name__)

MOVING = ("single", "post")  # phases that move money; a pending transfer only reserves it
FUND_BOOK_PREFIX = "fund:"  # funds.selectors.fund_book names a fund's book so


class LedgerOutOfBalance(Exception):
    """The debits and credits of a trial balance differ: the books are broken (an alarm went off)."""


def day_end(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def parse_day(value: str | None, field: str, *, default: dt.date | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` query parameter; a 400 in the request's language when it is not one."""
    if not value:
        if default is not None:
            return default
        raise ValidationFailed(_("A date is required."), field_errors={field: _("A date is required.")})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("Give a date as YYYY-MM-DD, for example 2026-12-31.")
        raise ValidationFailed(message, field_errors={field: message}) from None


# --------------------------------------------------------------------------- access


def books_for_user(user) -> set[str] | None:
    """The books the user may read: ``None`` means all of them (platform staff); a fund manager
    reads the books of the funds they manage; anyone else none."""
    if is_platform_staff(user):
        return None
    return {
        f"{FUND_BOOK_PREFIX}{m.fund.code}"
        for m in memberships_active(user)
        if m.role == Role.FUND_MANAGER and m.fund_id
    }


def book_get_for_user(*, user, book: str | None) -> str | None:
    """The book to read (``None``: every book, platform staff only). A fund manager who names no
    book reads their fund's book when they manage one; a book they may not read is a 403, a book
    that does not exist a 404 (for those who may read every book)."""
    allowed = books_for_user(user)
    book = (book or "").strip() or None
    if allowed is None:
        if book is not None and not Book.objects.filter(code=book).exists():
            raise NotFound(_("No such book."))
        return book
    if book is None and len(allowed) == 1:
        return next(iter(allowed))
    if book is None or book not in allowed:
        raise PermissionDenied(_("Only the fund's managers and platform staff read these books."))
    return book


# --------------------------------------------------------------------------- sums of legs


def _book_legs(book: str | None):
    legs = Leg.objects.filter(transfer__phase__in=MOVING)
    if book is None:
        return legs
    touching = Leg.objects.filter(account__book=book).values("transfer_id")
    return legs.filter(Q(transfer__book=book) | Q(transfer_id__in=touching))


def balances_at(*, before: dt.datetime, book: str | None = None, accounts=None) -> dict[int, int]:
    """Account id → raw (debit-positive) balance of the posted legs before ``before``.

    For one book, two sums instead of one ``OR``: the legs of the transfers chained in the book
    (found through the ``(book, sequence)`` index), plus the legs of the few transfers chained
    elsewhere that touch one of its accounts (a cooperative's share to a fund).

    Accounts of one book (a fund's statement) are summed the same way, through their book: the
    same legs, but PostgreSQL reads them from the book's transfers and the covering leg indexes
    (``ledger.0006``) instead of scanning every transfer before ``before``."""
    moving = Leg.objects.filter(transfer__phase__in=MOVING, created_at__lt=before)  # partitions after it skipped
    if accounts is not None:
        accounts = list(accounts)
        moving = moving.filter(account_id__in=accounts)
        if book is None:
            books = set(Account.objects.filter(pk__in=accounts).values_list("book", flat=True).distinct())
            book = books.pop() if len(books) == 1 else None
    if book is None:
        parts = [moving]
    else:
        elsewhere = (
            Leg.objects.filter(account__book=book, created_at__lt=before)
            .exclude(transfer__book=book)
            .values("transfer_id")
        )
        parts = [moving.filter(transfer__book=book), moving.filter(transfer_id__in=elsewhere)]
    totals: dict[int, int] = {}
    for legs in parts:
        for account_id, total in legs.order_by().values_list("account_id").annotate(total=Sum("amount")):
            totals[account_id] = totals.get(account_id, 0) + total
    return {account_id: total for account_id, total in totals.items() if total}


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str  # the ledger's account code
    code: str  # the chart's code
    name: str  # the chart's name, in the request's language
    kind: str
    owner_type: str
    debit: int  # fen
    credit: int  # fen


def _alarm(*, at: dt.date, book: str | None, debit: int, credit: int) -> None:
    """Log and tell platform staff: the books no longer balance."""
    logger.error("trial balance out of balance at %s (book %s): debit %s, credit %s", at, book, debit, credit)
    notify(
        users=users_with_role(Role.PLATFORM_STAFF),
        kind="system",
        title=str(_("The ledger's trial balance does not balance")),
        body=str(
            _("Book %(book)s on %(date)s: debits %(debit)s, credits %(credit)s. Run the ledger check.")
            % {
                "book": book or _("all books"),
                "date": at.isoformat(),
                "debit": fen_to_str(debit),
                "credit": fen_to_str(credit),
            }
        ),
    )


def trial_balance(*, at: dt.date, book: str | None = None, mapping: dict | None = None) -> dict:
    """Every account with a balance at the end of ``at``, on its debit or credit side, with the
    chart's code; ``total_debit == total_credit`` or ``LedgerOutOfBalance`` (after the alarm)."""
    mapping = mapping if mapping is not None else policy_current().ledger_account_codes
    balances = balances_at(before=day_end(at), book=book)
    accounts = Account.objects.in_bulk(list(balances)) if balances else {}
    rows = []
    for account_id, total in balances.items():
        account = accounts[account_id]
        code = account_code(mapping, account.owner_type, account.kind)
        rows.append(
            TrialBalanceRow(
                account=account.code,
                code=code,
                name=code_name(mapping, code) or account.name,
                kind=account.kind,
                owner_type=account.owner_type,
                debit=max(total, 0),
                credit=max(-total, 0),
            )
        )
    rows.sort(key=lambda r: (r.code or "9999", r.account))
    debit = sum(r.debit for r in rows)
    credit = sum(r.credit for r in rows)
    if debit != credit:
        _alarm(at=at, book=book, debit=debit, credit=credit)
        raise LedgerOutOfBalance(f"debit {debit} != credit {credit}")
    return {"at": at, "book": book, "accounts": rows, "total_debit": debit, "total_credit": credit}


# --------------------------------------------------------------------------- general ledger


@dataclass(frozen=True)
class LedgerLine:
    account: str
    account_name: str
    code: str
    code_name: str
    time: dt.datetime | None
    transfer: int | None
    book: str
    sequence: int | None
    kind: str
    kind_label: str
    kind_code: str
    memo: str
    reference: str
    debit: int
    credit: int
    balance: int  # raw, debit-positive, after this leg
    hash: str


def general_ledger(
    *,
    start: dt.date,
    end: dt.date,
    book: str | None = None,
    account: str | None = None,
    mapping: dict | None = None,
    chunk: int = 5000,
) -> Iterator[LedgerLine]:
    """Per account (in code order), an opening line with its balance before ``start``, then every
    leg from ``start`` to the end of ``end`` in booking order with the running balance. Read in
    chunks (keyset on the leg id per account), so a large book streams in bounded memory."""
    mapping = mapping if mapping is not None else policy_current().ledger_account_codes
    begin, until = day_start(start), day_end(end)
    accounts = Account.objects.all()
    if account:
        accounts = accounts.filter(code=account)
    if book is not None:
        accounts = accounts.filter(pk__in=_book_legs(book).values("account_id"))
    accounts = list(accounts.order_by("code"))
    opening = balances_at(before=begin, book=book, accounts=[a.pk for a in accounts]) if accounts else {}
    legs = _book_legs(book).filter(transfer__created_at__gte=begin, transfer__created_at__lt=until)
    active = set(legs.filter(account__in=accounts).order_by().values_list("account_id", flat=True).distinct())
    rows: list[tuple[str, Account]] = sorted(
        ((account_code(mapping, a.owner_type, a.kind), a) for a in accounts if a.pk in active or opening.get(a.pk)),
        key=lambda pair: (pair[0] or "9999", pair[1].code),
    )
    for code, acc in rows:
        name = code_name(mapping, code)
        balance = opening.get(acc.pk, 0)
        yield LedgerLine(
            account=acc.code, account_name=acc.name, code=code, code_name=name, time=None, transfer=None,
            book=acc.book, sequence=None, kind="", kind_label=str(_("Opening balance")), kind_code="",
            memo="", reference="", debit=0, credit=0, balance=balance, hash="",
        )  # fmt: skip
        if acc.pk not in active:
            continue
        last = (begin, 0)
        while True:
            batch = list(
                legs.filter(account=acc)
                .filter(Q(transfer__created_at__gt=last[0]) | Q(transfer__created_at=last[0], transfer_id__gt=last[1]))
                .order_by("transfer__created_at", "transfer_id")
                .values_list(
                    "amount",
                    "transfer_id",
                    "transfer__created_at",
                    "transfer__book",
                    "transfer__sequence",
                    "transfer__kind",
                    "transfer__memo",
                    "transfer__reference",
                    "transfer__hash",
                )[:chunk]
            )
            for amount, tid, created, tbook, seq, kind, memo, reference, digest in batch:
                balance += amount
                yield LedgerLine(
                    account=acc.code, account_name=acc.name, code=code, code_name=name, time=created,
                    transfer=tid, book=tbook, sequence=seq, kind=kind, kind_label=transfer_kind_label(kind),
                    kind_code=transfer_code(mapping, kind), memo=transfer_memo_display(kind, memo),
                    reference=reference, debit=max(amount, 0), credit=max(-amount, 0), balance=balance,
                    hash=digest,
                )  # fmt: skip
            if len(batch) < chunk:
                break
            last = (batch[-1][2], batch[-1][1])
