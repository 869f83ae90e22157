"""Money promised and paid for awards and projects, through the ledger's two-phase transfers.

- award: ``award_reserve`` reserves the awarded amount the moment a need is awarded, in the
  award's database transaction and under the fund's row lock (two awards on one fund are
  serialised, so both can't pass on the same money): a pending transfer from the fund to the
  organization, key ``award:<proposal id>:reserve``. The money comes from ``grant_source``, the
  one rule for which of the fund's money a grant uses;
- upheld objection or cancelled award: ``award_release`` voids the reservation;
- notice ends: the project takes the same reservation over (``project_reservation``);
- each accepted milestone: ``milestone_payout`` posts the milestone's amount of that reservation,
  once (idempotency key ``milestone:<id>:payout``); paid expense claims (``apps.expenses``) post
  from the same reservation, so milestone and expense payouts together never exceed the grant:
  a payout larger than what is left is a 409 naming what is left, and nothing is booked;
- project ends or is terminated: ``grant_release`` voids what is left.
Needs and projects without a fund book nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import StateConflict
from apps.core.money import decimal_to_fen, format_yuan
from apps.funds.models import Fund
from apps.funds.selectors import fund_account
from apps.funds.services import organization_account
from apps.ledger.models import Account, Transfer
from apps.ledger.services import (
    InsufficientFunds,
    pending_remaining,
    transfer_pending,
    transfer_post_pending,
    transfer_void,
)


class FundShortfall(StateConflict):
    """The fund can't reserve the grant (409); the message names what is missing."""


def grant_source(*, fund: Fund, category, amount_fen: int) -> Account:
    """The fund account a grant of ``amount_fen`` for a need of ``category`` is reserved from.

    The one rule: money given for the need's category (restricted to that purpose) when it
    covers the whole grant, otherwise the fund's unrestricted money when that covers it; else
    ``FundShortfall``. Restricted money goes first because donors gave it for this purpose, and it
    can pay for nothing else. A grant comes from one account, never split, because milestones post
    the reservation in parts and the ledger posts parts of two-leg reservations only.
    """

    restricted = fund_account(fund, category.code)
    unrestricted = fund_account(fund)
    for account in (restricted, unrestricted):
        if account.available >= amount_fen:
            return account
    best = max(restricted.available, unrestricted.available)
    raise FundShortfall(
        _(
            "The fund cannot cover this award of %(amount)s. A grant is reserved either from money given "
            "for %(purpose)s (%(restricted)s available) or from unrestricted money (%(unrestricted)s "
            "available); the shortfall is %(short)s."
        )
        % {
            "amount": format_yuan(amount_fen),
            "purpose": category.display_name,
            "restricted": format_yuan(restricted.available),
            "unrestricted": format_yuan(unrestricted.available),
            "short": format_yuan(amount_fen - best),
        }
    )


def _award_key(proposal) -> str:
    return f"award:{proposal.pk}:reserve"


def award_reservation(*, proposal) -> Transfer | None:
    return Transfer.objects.filter(key=_award_key(proposal)).first()


@transaction.atomic
def award_reserve(*, need, proposal) -> Transfer | None:
    """Reserve the awarded proposal's amount from the need's fund (``FundShortfall`` if it can't);
    returns the award's reservation when there already is one."""
    if need.fund_id is None:
        return None
    amount = decimal_to_fen(proposal.total_amount)
    if amount <= 0:
        return None
    fund = Fund.objects.select_for_update().get(pk=need.fund_id)
    existing = award_reservation(proposal=proposal)
    if existing is not None:
        return existing

    source = grant_source(fund=fund, category=need.category, amount_fen=amount)
    legs = [(source, amount), (organization_account(proposal.organization, fund.currency), -amount)]
    try:
        return transfer_pending(
            key=_award_key(proposal), kind="grant", legs=legs, memo=proposal.title[:500], reference=f"need:{need.pk}"
        )
    except InsufficientFunds:
        # Money left the account after it was chosen (a refund or payout does not take the fund's
        # lock): say what is missing now.
        grant_source(fund=fund, category=need.category, amount_fen=amount)
        raise


@transaction.atomic
def award_release(*, proposal, memo: str = "") -> None:
    """Void the award's reservation (upheld objection, cancelled award); nothing if there is none."""
    _void(award_reservation(proposal=proposal), key=f"award:{proposal.pk}:release", memo=memo or proposal.title)


def project_reservation(project) -> Transfer | None:
    """The reservation the project pays from: its award's (books from before awards reserved,
    and the large demo's bulk-built books, keyed it by the project)."""
    keys = (f"award:{project.proposal_id}:reserve", f"project:{project.pk}:reserve")
    return Transfer.objects.filter(key__in=keys).order_by("pk").first()


def _payout_key(milestone) -> str:
    return f"milestone:{milestone.pk}:payout"


def milestone_payout_preview(*, milestone) -> tuple[int, Account] | None:
    """What accepting the milestone would pay (fen) and from which of the fund's accounts (the
    reservation's), read only; ``None`` when the platform's books pay nothing for it."""
    reservation = project_reservation(milestone.project)
    amount = decimal_to_fen(milestone.amount)
    if reservation is None or amount <= 0:
        return None
    source = next(leg.account for leg in reservation.legs.select_related("account") if leg.amount > 0)
    return amount, source


def milestone_payout_transfer(*, milestone) -> Transfer | None:
    """The transfer that paid the accepted milestone, if the books paid it."""
    return Transfer.objects.filter(key=_payout_key(milestone)).first()


@transaction.atomic
def milestone_payout(*, milestone) -> None:
    """Post the accepted milestone's amount from the reservation to the organization, once."""
    project = milestone.project
    reservation = project_reservation(project)
    if reservation is None:
        return
    amount = decimal_to_fen(milestone.amount)
    if amount <= 0:
        return
    reservation = Transfer.objects.select_for_update().get(pk=reservation.pk)
    # Looked at once the reservation is locked: a concurrent accept that held the lock first has
    # paid it by now, and this repeat posts nothing (checked before the lock, it would find the
    # reservation already drawn by that payout and refuse the milestone as too large).
    if Transfer.objects.filter(key=_payout_key(milestone)).exists():
        return
    left = (
        max(pending_remaining(reservation).values(), default=0) if reservation.status == Transfer.Status.PENDING else 0
    )
    if amount > left:
        raise StateConflict(
            _(
                "Only %(left)s is left of the project's grant reservation, which milestone and expense"
                " payouts share: this milestone of %(amount)s cannot be paid from it."
            )
            % {"left": format_yuan(left), "amount": format_yuan(amount)}
        )
    transfer_post_pending(
        key=_payout_key(milestone),
        pending=reservation,
        amount=amount,
        kind="grant_payout",
        memo=f"{project.title} · {milestone.title}"[:500],
        reference=f"project:{project.pk}",
    )


@transaction.atomic
def grant_release(*, project) -> None:
    """Void what is left of the reservation when a project ends or is terminated."""
    _void(project_reservation(project), key=f"project:{project.pk}:release", memo=project.title)


def _void(reservation: Transfer | None, *, key: str, memo: str) -> None:
    if reservation is None:
        return
    reservation.refresh_from_db()
    if reservation.status != Transfer.Status.PENDING:
        return
    transfer_void(key=key, pending=reservation, memo=memo[:500])
