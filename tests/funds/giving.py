"""Signed Stripe events of monthly giving (定期捐赠), as Stripe sends them."""

from __future__ import annotations

import time

from tests.funds.conftest import event

MONTH = 30 * 86400


def invoice_obj(schedule, month: int, *, subscription: str | None = None, amount: int | None = None, **extra) -> dict:
    """Month ``month``'s invoice of the schedule's subscription (its charge ch_<sub>_<month>)."""
    sub = subscription if subscription is not None else schedule.stripe_subscription_id
    obj = {
        "id": f"in_{sub}_{month}",
        "object": "invoice",
        "currency": "cny",
        "amount_paid": schedule.amount_fen if amount is None else amount,
        "amount_due": schedule.amount_fen,
        "subscription": sub,
        "customer": schedule.stripe_customer_id or "cus_x",
        "charge": f"ch_{sub}_{month}",
        "payment_intent": f"pi_{sub}_{month}",
        "billing_reason": "subscription_create" if month == 1 else "subscription_cycle",
        "subscription_details": {"metadata": {"giving_schedule_id": str(schedule.pk)}},
        "lines": {
            "data": [
                {"period": {"start": int(time.time()) + (month - 1) * MONTH, "end": int(time.time()) + month * MONTH}}
            ]
        },
    }
    obj.update(extra)
    return obj


def invoice_paid(schedule, month: int, event_id: str | None = None, **kw) -> dict:
    return event("invoice.paid", invoice_obj(schedule, month, **kw), event_id)


def invoice_failed(schedule, month: int, **kw) -> dict:
    obj = invoice_obj(schedule, month, amount=0, **kw)
    obj["next_payment_attempt"] = int(time.time()) + 3 * 86400
    return event("invoice.payment_failed", obj)


def subscription_deleted(schedule) -> dict:
    return event(
        "customer.subscription.deleted",
        {
            "id": schedule.stripe_subscription_id,
            "object": "subscription",
            "status": "canceled",
            "metadata": {"giving_schedule_id": str(schedule.pk)},
        },
    )


def session_completed(schedule, *, subscription: str) -> dict:
    return event(
        "checkout.session.completed",
        {
            "id": schedule.stripe_session_id or f"cs_sub_{schedule.pk}",
            "mode": "subscription",
            "payment_status": "paid",
            "amount_total": schedule.amount_fen,
            "subscription": subscription,
            "customer": "cus_new",
            "metadata": {"giving_schedule_id": str(schedule.pk)},
        },
    )


def subscription_updated(
    schedule, *, status: str = "active", unit_amount: int | None = None, quantity: int = 1
) -> dict:
    """The subscription after a change: its status and one item of ``unit_amount`` × ``quantity``."""
    now = int(time.time())
    return event(
        "customer.subscription.updated",
        {
            "id": schedule.stripe_subscription_id,
            "object": "subscription",
            "status": status,
            "current_period_end": now + MONTH,
            "metadata": {"giving_schedule_id": str(schedule.pk)},
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": "si_1",
                        "object": "subscription_item",
                        "quantity": quantity,
                        "price": {
                            "id": "price_1",
                            "object": "price",
                            "currency": "cny",
                            "unit_amount": schedule.amount_fen if unit_amount is None else unit_amount,
                            "recurring": {"interval": "month"},
                        },
                    }
                ],
            },
        },
    )
