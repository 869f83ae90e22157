"""The ledger postings of revenue share, one function per flow, so the rules stay in services.

Accounts (integer fen, debit positive):
- the fund's ``receivable:revenue_share`` (debit-normal, owner ``fund_receivable``, in the fund's book): what the
  organization owes the fund for approved periods;
- the organization's ``revenue_share_payable`` (credit-normal): the same debt seen from its side.

Approval books Dr receivable / Cr payable. Settlement books, in one transfer, the debt cleared
(Dr payable / Cr receivable) and the cash in (Dr fund bank / Cr fund available), so the fund's
spendable balance grows only when the money has arrived. Each posting's idempotency key is
derived from the report, so a retried or concurrent call books at most once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from apps.core.dates import local_date
from apps.core.money import decimal_to_fen
from apps.funds.selectors import fund_account, fund_book
from apps.funds.services import fund_bank_account
from apps.ledger.models import Account
from apps.ledger.services import account_get_or_create, transfer_post


def fund_receivable_account(fund) -> Account:
    """Kept in the fund's book but not owned as ``fund``: the funds app counts every ``fund``
    account (but the bank) as money held, and a receivable is not money yet. Owned as ``fund``,
    the public books showed an approval as money out and the settlement as twice the money in."""
    return account_get_or_create(
        owner_type="fund_receivable",
        owner_id=fund.pk,
        kind="receivable:revenue_share",
        currency=fund.currency,
        normal=Account.Normal.DEBIT,
        may_go_negative=False,
        book=fund_book(fund),
        name=f"{fund.name} · revenue share receivable",
    )


def organization_payable_account(organization, currency: str = "CNY") -> Account:
    return account_get_or_create(
        owner_type="organization",
        owner_id=organization.pk,
        kind="revenue_share_payable",
        currency=currency,
        normal=Account.Normal.CREDIT,
        may_go_negative=False,
        name=f"{organization} · revenue share payable",
    )


def _period(report) -> str:
    """2026年3月1日–2026年5月31日: memos are written in the ledger's language (Chinese), whatever
    page the booking came from. Transfers booked before this keep their ISO dates."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{local_date(report.period_start)}–{local_date(report.period_end)}"


def book_revenue_receivable(*, report) -> str:
    """Approval: the fund's share becomes a receivable from the organization."""
    agreement = report.agreement
    amount = decimal_to_fen(report.fund_amount)
    if amount == 0:
        return ""
    transfer = transfer_post(
        key=f"revenue-report:{report.pk}:receivable",
        kind="revenue_share_receivable",
        legs=[
            (fund_receivable_account(agreement.fund), amount),
            (organization_payable_account(agreement.organization, agreement.fund.currency), -amount),
        ],
        memo=f"{agreement.organization} 项目分成 {_period(report)}",
        reference=f"revenue-report:{report.pk}",
    )
    return str(transfer.pk)


def book_revenue_settlement(*, report) -> str:
    """Settlement: the cash arrives in the fund and clears the receivable."""
    agreement = report.agreement
    fund = agreement.fund
    amount = decimal_to_fen(report.fund_amount)
    if amount == 0:
        return ""
    transfer = transfer_post(
        key=f"revenue-report:{report.pk}:settlement",
        kind="revenue_share",
        legs=[
            (organization_payable_account(agreement.organization, fund.currency), amount),
            (fund_receivable_account(fund), -amount),
            (fund_bank_account(fund), amount),
            (fund_account(fund), -amount),
        ],
        memo=f"{agreement.organization} 项目分成 {_period(report)}",
        reference=f"revenue-report:{report.pk}",
    )
    return str(transfer.pk)
