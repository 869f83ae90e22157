"""Money promised and paid for projects. The ledger issue replaces these bodies with postings
through apps.ledger (reserve on award, post per accepted milestone, void the rest on ending).

Until then they only state the contract: callers already call them at the right moments.
"""

from __future__ import annotations

from decimal import Decimal


def fund_can_cover(*, fund, amount: Decimal) -> bool:
    """Whether ``fund`` can reserve ``amount`` now (award is refused with 409 when not)."""
    return True


def grant_reserve(*, project) -> None:
    """Reserve the project's contract amount from its fund as a pending transfer."""


def milestone_payout(*, milestone) -> None:
    """Post the accepted milestone's amount from the reservation to the organization, once."""


def grant_release(*, project) -> None:
    """Void what is left of the reservation when a project ends or is terminated."""
