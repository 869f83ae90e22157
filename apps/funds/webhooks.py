"""Stripe webhook: signature checked on the raw body, each event processed at most once (its id
stored in the same transaction as its effect), in any order.

Every event is checked before anything is stored or booked, and each refusal is logged as a
warning with the event id and the reason:

- not an event as Stripe sends it (not a JSON object; ``id``, ``type`` or ``data.object``
  missing; a handled object of another ``object`` kind, without its id or currency, with an
  amount that is not a non-negative integer or a refund above the charge): ``Malformed``, the view
  answers 400. Stripe never sends such a body, so the failed delivery in Stripe's dashboard is
  the alarm we want;
- a well-formed event that does not match its donation (another amount or currency) or of a type
  we do not handle: answered 200 "ignored". Stripe would deliver the same content again, so
  retrying can't help; a payment that really happened shows up in reconciliation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import IntegrityError, transaction

from apps.core.ids import parse_id
from apps.core.money import is_fen
from apps.funds.models import Donation, GivingSchedule, StripeEvent
from apps.funds.selectors import fund_account
from apps.funds.services import (
    _hold,
    donation_book_fee,
    donation_book_payment,
    donation_book_refund,
    giving_invoice_book,
    giving_payment_failed,
    giving_schedule_link,
    giving_schedule_mark_cancelled,
    giving_schedule_update,
    stripe_account,
)
from apps.ledger.services import InsufficientFunds, transfer_post

logger = logging.getLogger(__name__)

# the event types we act on, and the kind of object Stripe sends with each
HANDLED_TYPES = {
    "checkout.session.completed": "checkout.session",
    "checkout.session.async_payment_succeeded": "checkout.session",
    "checkout.session.async_payment_failed": "checkout.session",
    "payment_intent.succeeded": "payment_intent",
    "charge.succeeded": "charge",
    "charge.refunded": "charge",
    "charge.dispute.created": "dispute",
    # monthly giving (定期捐赠): each paid invoice is one donation; the subscription's state
    "invoice.paid": "invoice",
    "invoice.payment_succeeded": "invoice",  # sent with invoice.paid (localstripe sends only this one)
    "invoice.payment_failed": "invoice",
    "customer.subscription.deleted": "subscription",
    "customer.subscription.updated": "subscription",  # amount, quantity or status changed
}
GIVING_TYPES = (
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "customer.subscription.deleted",
    "customer.subscription.updated",
)
# Stripe's subscription status → the schedule's ("incomplete", "paused"… change nothing)
_SUBSCRIPTION_STATUS = {
    "active": GivingSchedule.Status.ACTIVE,
    "trialing": GivingSchedule.Status.ACTIVE,
    "past_due": GivingSchedule.Status.PAST_DUE,
    "unpaid": GivingSchedule.Status.PAST_DUE,
    "canceled": GivingSchedule.Status.CANCELLED,
    "incomplete_expired": GivingSchedule.Status.CANCELLED,
}
# per object kind: amounts that must be positive, then amounts that may be zero (all whole fen).
# A PaymentIntent's ``amount_received`` is checked when present (localstripe leaves it out).
_AMOUNTS = {
    "checkout.session": (("amount_total",), ()),
    "payment_intent": (("amount",), ()),
    "charge": (("amount",), ("amount_refunded",)),
    "dispute": (("amount",), ()),
    "invoice": ((), ("amount_paid",)),
    "subscription": ((), ()),
}
# objects that may come without a currency (a subscription's is on its prices)
_NO_CURRENCY = ("subscription",)
# fields that name another Stripe object: its id, the object expanded, or null
_REFERENCES = ("payment_intent", "charge", "latest_charge", "balance_transaction")


class NotYet(Exception):
    """The event refers to a payment we can't identify yet: let Stripe deliver it again later."""


class Malformed(Exception):
    """Not an event as Stripe sends it: the view answers 400, nothing is stored or booked."""


class Mismatch(Exception):
    """A well-formed event that is not what its donation expects: ignored, nothing booked."""


def _get(obj, name, default=None):
    try:
        value = obj[name]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


def stripe_event_parse(payload: str) -> dict:
    """The event in a verified body, or ``Malformed`` when the body is not a JSON object."""
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError) as exc:  # nested too deep for the parser: not an event either
        logger.warning("stripe event (no id) refused: the body is not JSON (%s)", type(exc).__name__)
        raise Malformed("the body is not JSON") from exc
    if not isinstance(event, dict):
        logger.warning("stripe event (no id) refused: the body is a JSON %s", type(event).__name__)
        raise Malformed("the body is not a JSON object")
    return event


def _check_envelope(event) -> None:
    if not isinstance(event, dict):
        raise Malformed("the event is not an object")
    for name in ("id", "type"):
        if not isinstance(event.get(name), str) or not event[name]:
            raise Malformed(f"{name}: missing or not a string")
    if not isinstance(event.get("data"), dict) or not isinstance(event["data"].get("object"), dict):
        raise Malformed("data.object: missing or not an object")


def _check_object(kind: str, obj: dict) -> None:
    """``obj`` is shaped as Stripe sends the object of a ``kind`` event."""
    expected = HANDLED_TYPES[kind]
    if obj.get("object") != expected:
        raise Malformed(f"object: expected {expected!r}, got {obj.get('object')!r}")
    if not isinstance(obj.get("id"), str) or not obj["id"]:
        raise Malformed("id: missing or not a string")
    if expected not in _NO_CURRENCY and (not isinstance(obj.get("currency"), str) or not obj["currency"]):
        raise Malformed("currency: missing or not a string")
    if not isinstance(obj.get("metadata", {}), dict):
        raise Malformed("metadata: not an object")
    for name in _REFERENCES:
        value = obj.get(name)
        if value is not None and not isinstance(value, str) and not isinstance(_get(value, "id"), str):
            raise Malformed(f"{name}: neither an id nor an object with one")
    positive, non_negative = _AMOUNTS[expected]
    for name in positive:
        if not is_fen(obj.get(name)) or obj[name] == 0:
            raise Malformed(f"{name}: not a positive integer ({obj.get(name)!r})")
    for name in non_negative:
        if not is_fen(obj.get(name)):
            raise Malformed(f"{name}: not a non-negative integer ({obj.get(name)!r})")
    if expected == "payment_intent" and not is_fen(_received(obj)):
        raise Malformed(f"amount_received: not a non-negative integer ({obj['amount_received']!r})")
    if expected == "charge":
        if obj["amount_refunded"] > obj["amount"]:
            raise Malformed(f"amount_refunded: {obj['amount_refunded']} is more than the charge's {obj['amount']}")
        balance_transaction = obj.get("balance_transaction")
        fee = balance_transaction.get("fee", 0) if isinstance(balance_transaction, dict) else 0
        if not is_fen(fee):
            raise Malformed(f"balance_transaction.fee: not a non-negative integer ({fee!r})")


def _received(payment_intent: dict):
    received = payment_intent.get("amount_received")
    return payment_intent["amount"] if received is None else received


def _check_matches(donation: Donation, obj: dict, *, field: str, amount: int, at_most: bool = False) -> None:
    """The object is in the donation's currency and for its amount (``at_most``: not more)."""
    currency = donation.currency.lower()
    if obj["currency"] != currency:
        raise Mismatch(f"currency {obj['currency']!r} is not the donation's {currency!r}")
    if amount > donation.amount_fen if at_most else amount != donation.amount_fen:
        raise Mismatch(f"{field} {amount} does not match the donation's amount {donation.amount_fen}")


def _donation_for(obj) -> Donation | None:
    metadata = _get(obj, "metadata", {}) or {}
    donation_id = _get(metadata, "donation_id")
    qs = Donation.objects.all()
    if parse_id(donation_id):
        found = qs.filter(pk=parse_id(donation_id)).first()
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


def _id_of(value) -> str:
    if isinstance(value, dict):
        return str(_get(value, "id", ""))
    return value if isinstance(value, str) else ""


def _fee_of(obj) -> int:
    bt = _get(obj, "balance_transaction")
    return _get(bt, "fee", 0) if isinstance(bt, dict) else 0


# --------------------------------------------------------------------------- monthly giving


def _subscription_of(obj) -> tuple[str, dict]:
    """The subscription id and metadata an invoice (any API version) or subscription names."""
    if _get(obj, "object") == "subscription":
        return _id_of(_get(obj, "id")), _get(obj, "metadata", {}) or {}
    details = _get(obj, "subscription_details") or _get(_get(obj, "parent", {}), "subscription_details") or {}
    subscription = _id_of(_get(obj, "subscription")) or _id_of(_get(details, "subscription"))
    metadata = _get(details, "metadata", {}) or {}
    if not metadata:
        lines = _get(_get(obj, "lines", {}), "data", []) or []
        metadata = (_get(lines[0], "metadata", {}) or {}) if lines and isinstance(lines, list) else {}
    return subscription, metadata if isinstance(metadata, dict) else {}


def _schedule_for(subscription_id: str, metadata: dict) -> GivingSchedule | None:
    if subscription_id:
        found = GivingSchedule.objects.filter(stripe_subscription_id=subscription_id).first()
        if found:
            return found
    schedule_id = parse_id(_get(metadata, "giving_schedule_id"))
    if schedule_id:
        found = GivingSchedule.objects.filter(pk=schedule_id).first()
        # a schedule already linked to another subscription is not this one's
        if found and (not subscription_id or found.stripe_subscription_id in (None, "", subscription_id)):
            return found
    return None


def _timestamp(value) -> dt.datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return None


def _invoice_payment(obj) -> tuple[str, str]:
    """(payment intent, charge) of an invoice: top-level fields (API before 2025-03) or ``payments``."""
    payment_intent, charge = _id_of(_get(obj, "payment_intent")), _id_of(_get(obj, "charge"))
    for row in _get(_get(obj, "payments", {}), "data", []) or []:
        payment = _get(row, "payment", {})
        payment_intent = payment_intent or _id_of(_get(payment, "payment_intent"))
        charge = charge or _id_of(_get(payment, "charge"))
    return payment_intent, charge


def _invoice_period_end(obj) -> dt.datetime | None:
    lines = _get(_get(obj, "lines", {}), "data", []) or []
    if lines and isinstance(lines, list):
        return _timestamp(_get(_get(lines[0], "period", {}), "end"))
    return _timestamp(_get(obj, "period_end"))


def _subscription_amount(obj, schedule: GivingSchedule) -> int | None:
    """The monthly amount a subscription now charges: the sum of its items' price × quantity
    (``None`` when it carries no items). A price in another currency, or an amount that is not
    whole positive fen, is a ``Mismatch``: nothing changes."""
    items = _get(_get(obj, "items", {}), "data", None)
    if not isinstance(items, list) or not items:
        return None
    total = 0
    for item in items:
        price = _get(item, "price") or _get(item, "plan") or {}
        unit, quantity = _get(price, "unit_amount", _get(price, "amount")), _get(item, "quantity", 1)
        currency = _get(price, "currency", schedule.currency.lower())
        if not is_fen(unit) or not is_fen(quantity) or currency != schedule.currency.lower():
            raise Mismatch(f"subscription item {_get(item, 'id')!r}: not a monthly price in {schedule.currency}")
        total += unit * quantity
    if not 100 <= total <= 100_000_000:  # as a gift made on the site (donation_amount_validate)
        raise Mismatch(f"the subscription's monthly amount {total} is outside ¥1.00–¥1,000,000.00")
    return total


def _subscription_period_end(obj) -> dt.datetime | None:
    end = _timestamp(_get(obj, "current_period_end"))
    if end is None:  # API 2025-03 and later: per item
        items = _get(_get(obj, "items", {}), "data", []) or []
        end = _timestamp(_get(items[0], "current_period_end")) if isinstance(items, list) and items else None
    return end


def _invoice_paid_at(obj) -> dt.datetime | None:
    """When Stripe took the month's money (``status_transitions.paid_at``), for the donation's date."""
    return _timestamp(_get(_get(obj, "status_transitions", {}), "paid_at"))


def _handle_giving(kind: str, obj: dict) -> str:
    subscription_id, metadata = _subscription_of(obj)
    schedule = _schedule_for(subscription_id, metadata)
    if schedule is None:
        logger.warning(
            "stripe %s %s ignored: subscription %r is not a monthly gift we know",
            kind,
            obj.get("id"),
            subscription_id,
        )
        return "ignored"
    if kind == "customer.subscription.deleted":
        giving_schedule_mark_cancelled(schedule=schedule)
        return "schedule cancelled"
    if kind == "customer.subscription.updated":
        status = _SUBSCRIPTION_STATUS.get(_get(obj, "status"))
        giving_schedule_update(
            schedule=schedule,
            status=status,
            amount_fen=_subscription_amount(obj, schedule),
            next_payment_at=None if status == GivingSchedule.Status.CANCELLED else _subscription_period_end(obj),
        )
        return "schedule updated"
    if obj["currency"] != schedule.currency.lower():
        raise Mismatch(f"currency {obj['currency']!r} is not the monthly gift's {schedule.currency.lower()!r}")
    if kind == "invoice.payment_failed":
        giving_payment_failed(schedule=schedule, next_payment_at=_timestamp(_get(obj, "next_payment_attempt")))
        return "payment failed"
    amount = obj["amount_paid"]
    if amount == 0:
        return "ignored"
    if amount != schedule.amount_fen:
        raise Mismatch(f"amount_paid {amount} does not match the monthly gift's amount {schedule.amount_fen}")
    payment_intent, charge = _invoice_payment(obj)
    giving_invoice_book(
        schedule=schedule,
        invoice_id=obj["id"],
        amount_fen=amount,
        payment_intent=payment_intent,
        charge=charge,
        subscription_id=subscription_id,
        next_payment_at=_invoice_period_end(obj),
        paid_at=_invoice_paid_at(obj),
    )
    return "booked"


def _link_subscription(obj) -> str:
    """Checkout finished in subscription mode: the schedule learns its subscription; nothing is
    booked (each ``invoice.paid`` books its month, the first one included)."""
    metadata = _get(obj, "metadata", {}) or {}
    schedule_id = parse_id(_get(metadata, "giving_schedule_id"))
    schedule = GivingSchedule.objects.filter(pk=schedule_id).first() if schedule_id else None
    if schedule is None:
        schedule = GivingSchedule.objects.filter(stripe_session_id=obj["id"]).first()
    if schedule is None:
        logger.warning("stripe checkout session %s (subscription) ignored: no monthly gift", obj["id"])
        return "ignored"
    giving_schedule_link(
        schedule=schedule,
        subscription_id=_id_of(_get(obj, "subscription")),
        customer_id=_id_of(_get(obj, "customer")),
        session_id=obj["id"],
    )
    return "subscription linked"


def _handle(event) -> str:
    kind = event["type"]
    obj = event["data"]["object"]
    if kind in GIVING_TYPES:
        return _handle_giving(kind, obj)
    if kind.startswith("checkout.session.") and _get(obj, "mode") == "subscription":
        return _link_subscription(obj) if kind == "checkout.session.completed" else "ignored"
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        donation = _donation_for(obj)
        if donation is None:
            return "ignored"
        _check_matches(donation, obj, field="amount_total", amount=obj["amount_total"])
        if not donation.stripe_session_id:
            donation.stripe_session_id = obj["id"]
            donation.save(update_fields=["stripe_session_id"])
        if _get(obj, "payment_status") in ("paid", "no_payment_required"):
            donation_book_payment(
                donation=donation, gross_fen=obj["amount_total"], payment_intent=_id_of(_get(obj, "payment_intent"))
            )
            return "booked"
        return "awaiting payment"
    if kind == "checkout.session.async_payment_failed":
        donation = _donation_for(obj)
        if donation is not None and donation.status == Donation.Status.PENDING:
            _check_matches(donation, obj, field="amount_total", amount=obj["amount_total"])
            Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
                status=Donation.Status.FAILED
            )
        return "failed"
    if kind in ("payment_intent.succeeded", "charge.succeeded"):
        donation = _donation_for(obj)
        if donation is None:
            return "ignored"
        is_charge = obj["object"] == "charge"
        gross = obj["amount"] if is_charge else _received(obj)
        _check_matches(donation, obj, field="amount" if is_charge else "amount_received", amount=gross)
        donation = donation_book_payment(
            donation=donation,
            gross_fen=gross,
            payment_intent=_id_of(_get(obj, "payment_intent")) if is_charge else obj["id"],
            charge=obj["id"] if is_charge else _id_of(_get(obj, "latest_charge")),
        )
        if is_charge and _fee_of(obj):
            donation_book_fee(donation=donation, fee_fen=_fee_of(obj))
        return "booked"
    if kind == "charge.refunded":
        donation = _donation_for(obj)
        if donation is None:
            raise NotYet
        _check_matches(donation, obj, field="amount", amount=obj["amount"])
        if donation.receipt_no is None:  # the refund came first: the charge proves the payment
            donation = donation_book_payment(
                donation=donation,
                gross_fen=obj["amount"],
                payment_intent=_id_of(_get(obj, "payment_intent")),
                charge=obj["id"],
            )
        donation_book_refund(donation=donation, refunded_total_fen=obj["amount_refunded"], object_id=obj["id"])
        return "refund booked"
    if kind == "charge.dispute.created":
        donation = _donation_for(obj)
        if donation is None:
            raise NotYet
        _check_matches(donation, obj, field="amount", amount=obj["amount"], at_most=True)
        if donation.receipt_no is None:
            raise NotYet
        _book_dispute(donation=donation, dispute_id=obj["id"], amount=obj["amount"])
        return "dispute booked"
    return "ignored"


def _book_dispute(*, donation, dispute_id: str, amount: int):
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
    """Check and process one verified event at most once. Returns what happened ("duplicate" for
    repeats, "ignored" for an event we do not act on or that does not match its donation).

    Raises ``Malformed`` for an event not shaped as Stripe sends it (the view answers 400) and
    ``NotYet`` when the event can't be matched yet (the view answers 409, Stripe retries).
    """
    event_id = _get(event, "id", "?")
    try:
        _check_envelope(event)
        if event["type"] not in HANDLED_TYPES:
            logger.warning("stripe event %s ignored: type %r is not handled", event_id, event["type"])
            return "ignored"
        _check_object(event["type"], event["data"]["object"])
    except Malformed as exc:
        logger.warning("stripe event %s refused: %s", event_id, exc)
        raise
    try:
        with transaction.atomic():
            if StripeEvent.objects.filter(event_id=event_id).exists():
                return "duplicate"
            StripeEvent.objects.create(event_id=event_id, type=event["type"][:80])
            return _handle(event)
    except Mismatch as exc:
        logger.warning("stripe event %s ignored: %s", event_id, exc)
        return "ignored"
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return "duplicate"
        raise
