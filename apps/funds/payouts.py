"""Money promised and paid for projects, through the ledger's two-phase transfers.

- award: ``grant_reserve`` reserves the contract amount from the fund (a pending transfer from the
  fund to the organization; from the money restricted to the need's category when that covers
  it, otherwise from unrestricted money);
- each accepted milestone: ``milestone_payout`` posts the milestone's amount of that reservation,
  once (idempotency key ``milestone:<id>:payout``);
- project ends or is terminated: ``grant_release`` voids what is left.
Projects without a fund book nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from apps.core.money import decimal_to_fen
from apps.ledger.models import Transfer
from apps.ledger.services import transfer_pending, transfer_post_pending, transfer_void


def fund_can_cover(*, fund, amount: Decimal) -> bool:
    """Whether ``fund`` can reserve ``amount`` now from its unrestricted money."""
    from apps.funds.services import fund_account

    if fund is None:
        return True
    return fund_account(fund).available >= decimal_to_fen(amount)


def _reservation(project) -> Transfer | None:
    return Transfer.objects.filter(key=f"project:{project.pk}:reserve").first()


@transaction.atomic
def grant_reserve(*, project) -> None:
    """Reserve the project's contract amount from its fund as a pending transfer (409 if short)."""
    from apps.funds.services import fund_account, organization_account

    if project.fund_id is None:
        return
    fund = project.fund
    amount = decimal_to_fen(project.amount)
    if amount <= 0:
        return
    source = fund_account(fund)
    category = getattr(getattr(project.need, "category", None), "code", "")
    if category:
        restricted = fund_account(fund, category)
        if restricted.available >= amount:
            source = restricted
    transfer_pending(
        key=f"project:{project.pk}:reserve",
        kind="grant",
        legs=[(source, amount), (organization_account(project.organization, fund.currency), -amount)],
        memo=project.title[:500],
        reference=f"project:{project.pk}",
    )


@transaction.atomic
def milestone_payout(*, milestone) -> None:
    """Post the accepted milestone's amount from the reservation to the organization, once."""
    project = milestone.project
    reservation = _reservation(project)
    if reservation is None:
        return
    amount = decimal_to_fen(milestone.amount)
    if amount <= 0:
        return
    transfer_post_pending(
        key=f"milestone:{milestone.pk}:payout",
        pending=reservation,
        amount=amount,
        kind="grant_payout",
        memo=f"{project.title} · {milestone.title}"[:500],
        reference=f"project:{project.pk}",
    )


@transaction.atomic
def grant_release(*, project) -> None:
    """Void what is left of the reservation when a project ends or is terminated."""
    reservation = _reservation(project)
    if reservation is None:
        return
    reservation.refresh_from_db()
    if reservation.status != Transfer.Status.PENDING:
        return
    transfer_void(key=f"project:{project.pk}:release", pending=reservation, memo=project.title[:500])
