"""The ledger posting of a cooperative's distribution: one transfer, idempotent per distribution.

Dr the cooperative's ``undistributed_profit`` (equity given out) with the distributable profit;
Cr the cooperative's ``losses_covered``, ``statutory_reserve`` and ``retained_earnings``, the
community fund's unrestricted account with the public-welfare share (the fund's books show it
as money in), and each holder's ``dividends_payable`` with their dividend.
"""

from __future__ import annotations

from apps.core.money import decimal_to_fen
from apps.funds.services import fund_account
from apps.ledger.models import Account
from apps.ledger.services import account_get_or_create, transfer_post


def cooperative_account(coop, kind: str, *, normal=Account.Normal.CREDIT, may_go_negative=False) -> Account:
    return account_get_or_create(
        owner_type="cooperative",
        owner_id=coop.pk,
        kind=kind,
        normal=normal,
        may_go_negative=may_go_negative,
        book=f"coop:{coop.pk}",
        name=f"{coop.name} · {kind}",
    )


def holder_dividend_account(holder) -> Account:
    return account_get_or_create(
        owner_type="coop_holder",
        owner_id=holder.pk,
        kind="dividends_payable",
        normal=Account.Normal.CREDIT,
        may_go_negative=False,
        book=f"coop:{holder.cooperative_id}",
        name=f"{holder.name} · dividends",
    )


def book_distribution(*, distribution) -> str:
    coop = distribution.cooperative
    total = decimal_to_fen(distribution.distributable_profit)
    if total == 0:
        return ""
    # The profit is earned outside the platform, so its source account may go negative.
    legs = [(cooperative_account(coop, "undistributed_profit", may_go_negative=True), total)]
    for kind, value in (
        ("losses_covered", distribution.losses_covered),
        ("statutory_reserve", distribution.reserve),
        ("retained_earnings", distribution.retained),
    ):
        if value:
            legs.append((cooperative_account(coop, kind), -decimal_to_fen(value)))
    if distribution.public_welfare:
        legs.append((fund_account(coop.community.fund), -decimal_to_fen(distribution.public_welfare)))
    for allocation in distribution.allocations.select_related("holder"):
        if allocation.amount:
            legs.append((holder_dividend_account(allocation.holder), -decimal_to_fen(allocation.amount)))
    transfer = transfer_post(
        key=f"coop-distribution:{distribution.pk}",
        kind="dividend",
        legs=legs,
        memo=f"{coop.name} {distribution.fiscal_year}年度分配",
        reference=f"coop-distribution:{distribution.pk}",
    )
    return str(transfer.pk)


def book_dividend_payout(*, allocation) -> str:
    """Paying a holder's dividend: Dr the holder's ``dividends_payable`` (the debt is settled),
    Cr the cooperative's ``bank`` (the money leaves its account outside the platform, so that
    account may go negative here). The key is the allocation's, so it posts at most once."""
    holder = allocation.holder
    coop = holder.cooperative
    amount = decimal_to_fen(allocation.amount)
    transfer = transfer_post(
        key=f"coop-dividend-payout:{allocation.pk}",
        kind="dividend_payout",
        legs=[
            (holder_dividend_account(holder), amount),
            (cooperative_account(coop, "bank", normal=Account.Normal.DEBIT, may_go_negative=True), -amount),
        ],
        memo=f"{coop.name} {allocation.distribution.fiscal_year}年度股金分红 · {holder.name}",
        reference=f"coop-distribution:{allocation.distribution_id}",
    )
    return str(transfer.pk)
