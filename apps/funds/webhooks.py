"""Stripe webhook: signature checked on the raw body, each event processed at most once (its id
stored in the same transaction as its effect), in any order."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from apps.funds.models import Donation, StripeEvent
from apps.funds.services import (
    _hold,
    donation_book_fee,
    donation_book_payment,
    donation_book_refund,
    fund_account,
    stripe_account,
)

logger = logging.getLogger(__name__)


class NotYet(Exception):
    """The event refers to a payment we can't identify yet: let Stripe deliver it again later."""


def _get(obj, name, default=None):
    try:
        value = obj[name]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


def _donation_for(obj) -> Donation | None:
    metadata = _get(obj, "metadata", {}) or {}
    donation_id = _get(metadata, "donation_id")
    qs = Donation.objects.all()
    if donation_id and str(donation_id).isdigit():
        found = qs.filter(pk=int(donation_id)).first()
        if found:
            return found
    for field, key in (("stripe_session_id", "id"), ("payment_intent_id", "payment_intent"), ("charge_id", "charge")):
        value = _get(obj, key)
        if isinstance(value, dict):
            value = _get(value, "id")
        if isinstance(value, str) and value:
            found = qs.filter(**{field: value}).first()
            if found:
                return found
    pi = _get(obj, "payment_intent")
    if isinstance(pi, str) and pi:
        found = qs.filter(payment_intent_id=pi).first()
        if found:
            return found
    if _get(obj, "object") == "payment_intent":
        return qs.filter(payment_intent_id=_get(obj, "id", "")).first()
    if _get(obj, "object") == "charge":
        return qs.filter(charge_id=_get(obj, "id", "")).first()
    return None


def _fee_of(obj) -> int:
    bt = _get(obj, "balance_transaction")
    return int(_get(bt, "fee", 0) or 0) if isinstance(bt, dict) else 0


def _handle(event) -> str:
    kind = _get(event, "type", "")
    obj = _get(_get(event, "data", {}), "object", {})
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        donation = _donation_for(obj)
        if donation is None:
            return "ignored"
        if _get(obj, "stripe_session_id") is None and not donation.stripe_session_id:
            donation.stripe_session_id = _get(obj, "id", "")
            donation.save(update_fields=["stripe_session_id"])
        if _get(obj, "payment_status") in ("paid", "no_payment_required"):
            donation_book_payment(
                donation=donation,
                gross_fen=int(_get(obj, "amount_total", donation.amount_fen)),
                payment_intent=_get(obj, "payment_intent", ""),
            )
            return "booked"
        return "awaiting payment"
    if kind == "checkout.session.async_payment_failed":
        donation = _donation_for(obj)
        if donation is not None and donation.status == Donation.Status.PENDING:
            Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
                status=Donation.Status.FAILED
            )
        return "failed"
    if kind in ("payment_intent.succeeded", "charge.succeeded"):
        donation = _donation_for(obj)
        if donation is None:
            return "ignored"
        is_charge = _get(obj, "object") == "charge"
        donation = donation_book_payment(
            donation=donation,
            gross_fen=int(_get(obj, "amount_received", _get(obj, "amount", donation.amount_fen))),
            payment_intent=_get(obj, "payment_intent", "") if is_charge else _get(obj, "id", ""),
            charge=_get(obj, "id", "") if is_charge else (_get(obj, "latest_charge", "") or ""),
        )
        if is_charge and _fee_of(obj):
            donation_book_fee(donation=donation, fee_fen=_fee_of(obj))
        return "booked"
    if kind == "charge.refunded":
        donation = _donation_for(obj)
        if donation is None:
            raise NotYet
        if donation.receipt_no is None:  # the refund came first: the charge proves the payment
            donation = donation_book_payment(
                donation=donation,
                gross_fen=int(_get(obj, "amount", donation.amount_fen)),
                payment_intent=_get(obj, "payment_intent", ""),
                charge=_get(obj, "id", ""),
            )
        donation_book_refund(
            donation=donation, refunded_total_fen=int(_get(obj, "amount_refunded", 0)), object_id=_get(obj, "id", "")
        )
        return "refund booked"
    if kind == "charge.dispute.created":
        donation = _donation_for(obj)
        if donation is None:
            raise NotYet
        if donation.receipt_no is None:
            raise NotYet
        _book_dispute(donation=donation, dispute_id=_get(obj, "id", ""), amount=int(_get(obj, "amount", 0)))
        return "dispute booked"
    return "ignored"


def _book_dispute(*, donation, dispute_id: str, amount: int):
    from apps.ledger.services import InsufficientFunds, transfer_post

    if amount <= 0:
        return
    target = fund_account(donation.fund, donation.purpose or None)
    try:
        with transaction.atomic():
            transfer_post(
                key=f"stripe:dispute:{dispute_id}",
                kind="dispute",
                legs=[(target, amount), (stripe_account(donation.currency), -amount)],
                memo=f"dispute of {donation.receipt_no}",
                reference=f"donation:{donation.pk}",
            )
    except InsufficientFunds:
        _hold(donation=donation, amount_fen=amount, reason="dispute", object_id=dispute_id)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.DISPUTED)


def stripe_event_process(event) -> str:
    """Process one verified event at most once. Returns what happened ("duplicate" for repeats).

    Raises ``NotYet`` when the event can't be matched yet (the view answers 409, Stripe retries).
    """
    event_id = _get(event, "id", "")
    if not event_id:
        return "ignored"
    try:
        with transaction.atomic():
            if StripeEvent.objects.filter(event_id=event_id).exists():
                return "duplicate"
            StripeEvent.objects.create(event_id=event_id, type=str(_get(event, "type", ""))[:80])
            return _handle(event)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return "duplicate"
        raise
