"""Reads of revenue share: what approving or settling a report would book, before it runs."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from apps.core.money import MoneyMove, decimal_to_fen, format_yuan
from apps.revenue.models import RevenueShareReport
from apps.revenue.services import revenue_report_split


def revenue_report_approve_preview(*, report: RevenueShareReport) -> MoneyMove:
    """The split of the reported revenue approving would fix, and the fund's share it books as
    owed by the organization; moves nothing (``services.revenue_report_approve`` books)."""
    agreement = report.agreement
    split = revenue_report_split(report=report)
    parts = [
        (_("%(fund)s (the fund's share)") % {"fund": agreement.fund.name}, split["fund_amount"]),
        (_("%(org)s keeps") % {"org": agreement.organization.name}, split["organization_amount"]),
        *((p["name"], Decimal(p["amount"])) for p in split["party_amounts"]),
    ]
    return MoneyMove(
        amount_fen=decimal_to_fen(split["fund_amount"]),
        source=_("%(org)s, revenue share it owes") % {"org": agreement.organization.name},
        payee=_("%(fund)s, revenue share receivable") % {"fund": agreement.fund.name},
        parts=[(label, decimal_to_fen(amount)) for label, amount in parts],
        parts_title=_("How the reported revenue of %(revenue)s is split")
        % {"revenue": format_yuan(decimal_to_fen(report.revenue))},
        notes=[
            _(
                "Approving books the fund's share as owed to the fund; the fund's money grows only when it "
                "arrives (“Money received”). It cannot be undone."
            )
        ],
    )


def revenue_report_settle_preview(*, report: RevenueShareReport) -> MoneyMove:
    """The fund's share settling the report books into the fund; moves nothing
    (``services.revenue_report_settle`` books)."""
    agreement = report.agreement
    return MoneyMove(
        amount_fen=decimal_to_fen(report.fund_amount),
        source=agreement.organization.name,
        payee=_("%(fund)s, unrestricted money") % {"fund": agreement.fund.name},
        notes=[
            _(
                "Confirm only once the money is in the fund's bank account: it is booked as the fund's money "
                "and clears what the organization owed. It cannot be undone."
            )
        ],
    )
