"""A payout run: every payout due across the city booked in batches through the ledger's batched
path, exactly once, resumable after a kill at any point.

What is due is read from the domain records (approved dividends not paid, approved expense claims
not paid, accepted milestones not paid in the books); each batch is one database transaction that
books its transfers and marks its records paid together, so a kill leaves whole batches only and a
rerun finds the rest still due. A payout that can't be booked (not enough money or reservation
left, a key used for other content, the actor may not pay it) is refused and reported, never
half-booked; the rest of its batch is booked (skip-and-report: one claim's problem does not hold up
two hundred thousand dividends; a rerun retries what was refused).

``workers`` > 1 books batches on that many database connections at once, one kind after the
other (the claims drawn on a project's reservation are paid before its milestones, as with one
worker). Batches are cut in id order, which keeps a distribution's holders together; two batches on one book queue for its chain
head (locks are taken in the single-append path's order, so they wait rather than deadlock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

from apps.cooperatives.payout_run import dividend_payouts_book, dividend_payouts_due
from apps.expenses.payout_run import expense_payouts_book, expense_payouts_due
from apps.projects.payout_run import milestone_payouts_book, milestone_payouts_due

KINDS = ("dividends", "expenses", "milestones")


@dataclass
class PayoutRunReport:
    booked: int = 0
    already: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # ledger key -> why
    batches: int = 0
    seconds: float = 0.0


def _book(kind: str, actor, ids: list[int]):
    if kind == "dividends":
        return dividend_payouts_book(actor=actor, allocation_ids=ids)
    if kind == "expenses":
        return expense_payouts_book(actor=actor, expense_ids=ids)
    return milestone_payouts_book(milestone_ids=ids)


def _due(kind: str) -> list[int]:
    return {"dividends": dividend_payouts_due, "expenses": expense_payouts_due, "milestones": milestone_payouts_due}[
        kind
    ]()


def payout_run(
    *,
    actor,
    batch_size: int = 2000,
    workers: int = 1,
    kinds: tuple[str, ...] = KINDS,
    max_batches: int | None = None,
    progress: Callable[[PayoutRunReport], None] | None = None,
) -> PayoutRunReport:
    """Book every payout of ``kinds`` due now, ``batch_size`` per transaction (``max_batches``:
    stop after that many, as an interrupted run would)."""
    started = time.monotonic()
    report = PayoutRunReport()
    chunks = []
    for kind in kinds:
        ids = _due(kind)
        chunks += [(kind, ids[i : i + batch_size]) for i in range(0, len(ids), batch_size)]
    if max_batches is not None:
        chunks = chunks[:max_batches]

    def book(chunk):
        try:
            return _book(chunk[0], actor, chunk[1])
        finally:
            if workers > 1:
                connection.close()  # each worker thread has its own connection

    def collect(outcome):
        report.booked += len(outcome.booked)
        report.already += len(outcome.existing)
        report.refused.update({key: str(error) for key, error in outcome.refused.items()})
        report.batches += 1
        if progress:
            progress(report)

    if workers > 1:
        close_old_connections()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for kind in kinds:  # a kind's batches at once, the kinds in order (claims before milestones)
                for outcome in pool.map(book, [chunk for chunk in chunks if chunk[0] == kind]):
                    collect(outcome)
    else:
        for chunk in chunks:
            collect(book(chunk))
    report.seconds = time.monotonic() - started
    return report
