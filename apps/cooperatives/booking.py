"""The ledger postings of a cooperative's money, one function per flow. Accounts (book ``coop:<id>``):

- ``external_revenue`` (debit-normal, may go negative): the outside world the cooperative earns
  its profit from; recording a year's profit debits it;
- ``undistributed_profit`` (credit-normal, never below zero): recorded profit not yet distributed;
- ``statutory_reserve``, ``losses_covered``, ``retained_earnings`` (credit-normal, never below
  zero): the parts of a distribution that stay with the cooperative;
- each holder's ``dividends_payable`` (credit-normal, never below zero): dividends owed;
- ``bank`` (debit-normal, may go negative): the outside world dividends are paid out to.

Recording profit: Dr external_revenue / Cr undistributed_profit. Approving a distribution: Dr
undistributed_profit with the distributable profit (refused when the cooperative has less), Cr
the parts that stay, the community fund's unrestricted account with the public-welfare share and
each holder's ``dividends_payable``. Paying a dividend: Dr dividends_payable / Cr bank. Every key
is derived from the record it books, so a retried or concurrent call books at most once.
"""

from __future__ import annotations

from apps.core.money import decimal_to_fen
from apps.funds.selectors import fund_account
from apps.ledger.models import Account
from apps.ledger.services import account_get_or_create, transfer_post

OUTSIDE_KINDS = ("external_revenue", "bank")  # the outside world: debit-normal, may go negative


def cooperative_account(coop, kind: str) -> Account:
    outside = kind in OUTSIDE_KINDS
    return account_get_or_create(
        owner_type="cooperative",
        owner_id=coop.pk,
        kind=kind,
        normal=Account.Normal.DEBIT if outside else Account.Normal.CREDIT,
        may_go_negative=outside,
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


def book_profit(*, profit) -> str:
    """A year's recorded profit becomes the cooperative's undistributed profit."""
    coop = profit.cooperative
    amount = decimal_to_fen(profit.amount)
    transfer = transfer_post(
        key=f"coop-profit:{profit.pk}",
        kind="coop_profit",
        legs=[
            (cooperative_account(coop, "external_revenue"), amount),
            (cooperative_account(coop, "undistributed_profit"), -amount),
        ],
        memo=f"{coop.name} {profit.fiscal_year}年度利润",
        reference=f"cooperative:{coop.pk}",
    )
    return str(transfer.pk)


def book_distribution(*, distribution) -> str:
    """An approved distribution leaves the cooperative's undistributed profit; raises
    ``InsufficientFunds`` when the cooperative has less than it shares out."""
    coop = distribution.cooperative
    total = decimal_to_fen(distribution.distributable_profit)
    if total == 0:
        return ""
    legs = [(cooperative_account(coop, "undistributed_profit"), total)]
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


def dividend_payout_content(*, allocation, holder_account: Account, bank: Account) -> dict:
    """What paying a holder's dividend books (key, kind, legs, memo, reference): one by one
    (``book_dividend_payout``) or in a payout run's batch (``cooperatives.payout_run``)."""
    holder = allocation.holder
    amount = decimal_to_fen(allocation.amount)
    return {
        "key": f"coop-dividend-payout:{allocation.pk}",
        "kind": "dividend_payout",
        "legs": [(holder_account, amount), (bank, -amount)],
        "memo": f"{holder.cooperative.name} {allocation.distribution.fiscal_year}年度股金分红 · {holder.name}",
        "reference": f"coop-distribution:{allocation.distribution_id}",
    }


def book_dividend_payout(*, allocation) -> str:
    """Paying a holder's dividend: Dr the holder's ``dividends_payable`` (the debt is settled),
    Cr the cooperative's ``bank`` (the money leaves to the holder outside the platform)."""
    holder = allocation.holder
    content = dividend_payout_content(
        allocation=allocation,
        holder_account=holder_dividend_account(holder),
        bank=cooperative_account(holder.cooperative, "bank"),
    )
    return str(transfer_post(**content).pk)
