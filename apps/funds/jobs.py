"""Reconciliation: Stripe's balance transactions against the ledger; differences go to the fund
managers of the funds concerned (and are returned for the caller/log)."""

from __future__ import annotations

import logging

from django.conf import settings

from apps.core.jobs import scheduled_job

logger = logging.getLogger(__name__)


def reconcile(balance_transactions) -> list[dict]:
    """Compare Stripe balance transactions (dicts: id, type, amount, fee, source) with the ledger.

    A charge must match a booked donation's gross (and its fee when known); a refund must be
    booked (or held). Returns the differences.
    """
    from apps.funds.models import Donation

    differences = []
    for bt in balance_transactions:
        source = bt.get("source") or ""
        kind = bt.get("type")
        if kind in ("charge", "payment"):
            donation = (
                Donation.objects.filter(charge_id=source).first()
                or Donation.objects.filter(payment_intent_id=source).first()
            )
            if donation is None or donation.receipt_no is None:
                differences.append(
                    {"balance_transaction": bt.get("id"), "problem": "charge not booked", "amount": bt.get("amount")}
                )
            elif donation.amount_fen != bt.get("amount"):
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "amount differs",
                        "stripe": bt.get("amount"),
                        "ledger": donation.amount_fen,
                    }
                )
            elif bt.get("fee") and donation.fee_fen not in (0, bt.get("fee")):
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "fee differs",
                        "stripe": bt.get("fee"),
                        "ledger": donation.fee_fen,
                    }
                )
    return differences


def _notify(differences):
    from apps.accounts.models import Membership, Role
    from apps.notifications.services import notify

    if not differences:
        return
    managers = [m.user for m in Membership.objects.active().filter(role=Role.FUND_MANAGER).select_related("user")]
    notify(
        users=managers,
        kind="fund_reconciliation",
        title="Stripe reconciliation found differences",
        body="\n".join(f"{d['balance_transaction']}: {d['problem']}" for d in differences[:50]),
        url="/funds/",
    )


@scheduled_job("funds_stripe_reconcile")
def funds_stripe_reconcile():
    if not settings.STRIPE_SECRET_KEY:
        return "skipped: no STRIPE_SECRET_KEY"
    from apps.funds.services import stripe_client

    try:
        listing = stripe_client().v1.balance_transactions.list(params={"limit": 100})
        rows = [dict(bt) for bt in listing.auto_paging_iter()]
    except Exception as exc:  # Stripe unreachable: report, try next time
        logger.warning("reconciliation skipped: %s", exc)
        return f"skipped: {exc}"
    differences = reconcile(rows)
    _notify(differences)
    return differences
