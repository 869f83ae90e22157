"""Reads of cooperatives: what a money-moving action would book, before it runs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.cooperatives.models import Distribution, DistributionAllocation
from apps.core.money import MoneyMove, decimal_to_fen


def distribution_approve_preview(*, distribution: Distribution) -> MoneyMove:
    """Where approving the declared distribution books its distributable profit (the amounts its
    declaration fixed); moves nothing (``services.distribution_approve`` books)."""
    coop = distribution.cooperative
    fund = coop.community.fund
    allocations = [a for a in distribution.allocations.select_related("holder") if a.amount]
    parts = [
        (_("%(fund)s (public-welfare share)") % {"fund": fund.name}, distribution.public_welfare),
        *((_("%(holder)s (dividend owed)") % {"holder": a.holder.name}, a.amount) for a in allocations),
        (_("Statutory reserve (stays with the cooperative)"), distribution.reserve),
        (_("Losses covered (stays with the cooperative)"), distribution.losses_covered),
        (_("Retained over the cap (stays with the cooperative)"), distribution.retained),
    ]
    return MoneyMove(
        amount_fen=decimal_to_fen(distribution.distributable_profit),
        source=_("%(coop)s, undistributed profit") % {"coop": coop.name},
        payee=_("%(fund)s and %(count)s holders") % {"fund": fund.name, "count": len(allocations)},
        parts=[(label, decimal_to_fen(amount)) for label, amount in parts if amount],
        notes=[
            _(
                "Approving books it in the ledger: the public-welfare share goes to the community fund and "
                "the dividends are owed to the holders, each paid later. It cannot be undone."
            )
        ],
    )


def dividend_pay_preview(*, allocation: DistributionAllocation) -> MoneyMove:
    """What paying one holder's dividend books; moves nothing (``services.dividend_pay`` books)."""
    coop = allocation.holder.cooperative
    return MoneyMove(
        amount_fen=decimal_to_fen(allocation.amount),
        source=_("%(coop)s, bank account") % {"coop": coop.name},
        payee=allocation.holder.name,
        notes=[
            _(
                "The dividend leaves the cooperative's bank account to the holder and is booked in the ledger as "
                "paid. It cannot be undone."
            )
        ],
    )
