"""Reconciliation: Stripe's balance transactions against the ledger; differences go to the fund
managers of the funds concerned (and are returned for the caller/log)."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.selectors import users_with_role
from apps.core.jobs import scheduled_job
from apps.funds.models import Donation
from apps.funds.services import stripe_client
from apps.ledger.models import Leg
from apps.notifications.services import notify

logger = logging.getLogger(__name__)


def _id(value) -> str:
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _donation_by_payment(charge: str = "", payment_intent: str = ""):
    donation = Donation.objects.filter(charge_id=charge).first() if charge else None
    if donation is None and payment_intent:
        donation = Donation.objects.filter(payment_intent_id=payment_intent).first()
    return donation


def _ledger_refunded(donation) -> int:
    """What the ledger booked back to donors for this donation (refunds, including held ones
    resolved later from the fund or by the host foundation)."""
    return (
        Leg.objects.filter(
            transfer__reference=f"donation:{donation.pk}",
            transfer__kind__in=["refund", "refund_cover"],
            amount__gt=0,
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )


def reconcile(balance_transactions) -> list[dict]:
    """Compare Stripe balance transactions (dicts: id, type, amount, fee, source) with the ledger.

    A charge must match a booked donation's gross (and its fee when known). Refunds
    (``refund``/``payment_refund``; ``source`` is the refund, expanded with its ``charge`` and
    ``payment_intent``) are summed per donation and must equal what the ledger booked back; money
    Stripe refunded that the ledger still holds for the fund manager is reported too. Each
    difference names the fund it concerns (``fund``, or None when nothing matched).
    """
    differences = []
    refunded: dict[int, int] = defaultdict(int)
    refund_bts: dict[int, list[str]] = defaultdict(list)
    donations = {}
    for bt in balance_transactions:
        source = bt.get("source") or ""
        kind = bt.get("type")
        if kind in ("charge", "payment"):
            intent = _id(source.get("payment_intent")) if isinstance(source, dict) else _id(source)
            donation = _donation_by_payment(charge=_id(source), payment_intent=intent)
            if donation is None or donation.receipt_no is None:
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "charge not booked",
                        "amount": bt.get("amount"),
                        "fund": donation.fund_id if donation else None,
                    }
                )
            elif donation.amount_fen != bt.get("amount"):
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "amount differs",
                        "stripe": bt.get("amount"),
                        "ledger": donation.amount_fen,
                        "fund": donation.fund_id,
                    }
                )
            elif bt.get("fee") and donation.fee_fen not in (0, bt.get("fee")):
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "fee differs",
                        "stripe": bt.get("fee"),
                        "ledger": donation.fee_fen,
                        "fund": donation.fund_id,
                    }
                )
        elif kind in ("refund", "payment_refund"):
            charge = _id(source.get("charge")) if isinstance(source, dict) else ""
            intent = _id(source.get("payment_intent")) if isinstance(source, dict) else ""
            donation = _donation_by_payment(charge=charge, payment_intent=intent)
            if donation is None:
                differences.append(
                    {
                        "balance_transaction": bt.get("id"),
                        "problem": "refund not matched to a donation",
                        "amount": -int(bt.get("amount") or 0),
                        "fund": None,
                    }
                )
                continue
            donations[donation.pk] = donation
            refunded[donation.pk] += -int(bt.get("amount") or 0)
            refund_bts[donation.pk].append(bt.get("id"))
    for pk, stripe_total in refunded.items():
        donation = donations[pk]
        booked = _ledger_refunded(donation)
        held = sum(h.amount_fen for h in donation.holds.filter(reason="refund", resolved=False))
        row = {
            "balance_transaction": ",".join(refund_bts[pk]),
            "donation": donation.receipt_no or donation.pk,
            "stripe": stripe_total,
            "ledger": booked,
            "held": held,
            "fund": donation.fund_id,
        }
        if booked + held != stripe_total:
            differences.append({**row, "problem": "refunds differ"})
        elif held:
            differences.append({**row, "problem": "refund held: Stripe paid it, the fund has not booked it"})
    return differences


def _notify(differences):
    """Each fund's managers get the differences of their fund; unmatched ones go to every fund
    manager."""
    if not differences:
        return
    by_fund: dict = defaultdict(list)
    for d in differences:
        by_fund[d.get("fund")].append(d)
    for fund_id, rows in by_fund.items():
        notify(
            users=users_with_role(Role.FUND_MANAGER, **({} if fund_id is None else {"fund": fund_id})),
            kind="fund_reconciliation",
            title="Stripe reconciliation found differences",
            body="\n".join(f"{d['balance_transaction']}: {d['problem']}" for d in rows[:50]),
            url=reverse("fund-refund-holds", args=[fund_id]) if fund_id else reverse("fund-list-page"),
        )


@scheduled_job("funds_stripe_reconcile")
def funds_stripe_reconcile():
    if not settings.STRIPE_SECRET_KEY:
        return "skipped: no STRIPE_SECRET_KEY"
    try:
        listing = stripe_client().v1.balance_transactions.list(params={"limit": 100, "expand": ["data.source"]})
        rows = [dict(bt) for bt in listing.auto_paging_iter()]
    except Exception as exc:  # Stripe unreachable: report, try next time
        logger.warning("reconciliation skipped: %s", exc)
        return f"skipped: {exc}"
    differences = reconcile(rows)
    _notify(differences)
    return differences
