"""A PaymentIntent charge and a partial refund through the real Stripe SDK against localstripe
(bound to 127.0.0.1 by a small launcher: the `localstripe` command has no host flag and binds
every interface), with localstripe's signed webhooks delivered to our endpoint.

localstripe (1.15.10) creates refunds but sends no event for them; Stripe sends
``charge.refunded`` with the charge and its ``amount_refunded``. The launcher adds exactly that
event to localstripe's Refund, so it is built from localstripe's own state and signed and
delivered by localstripe's webhook code like every other event. The test requires it to arrive
and to be booked."""

import json
import time

import pytest

from apps.funds.models import Donation
from apps.funds.selectors import fund_account
from apps.funds.services import stripe_client
from apps.ledger.selectors import ledger_verify


@pytest.mark.slow
def test_payment_intent_and_partial_refund_via_localstripe(city, client, localstripe_webhooks):
    capture = localstripe_webhooks
    donation = Donation.objects.create(fund=city.fund, amount_fen=20000, stripe_session_id="cs_ls")
    sdk = stripe_client()
    pm = sdk.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    pi = sdk.v1.payment_intents.create(
        params={
            "amount": 20000,
            "currency": "cny",
            "payment_method": pm.id,
            "confirm": True,
            "metadata": {"donation_id": str(donation.pk)},
        },
        options={"idempotency_key": f"test-donation-{donation.pk}"},
    )
    assert pi.status == "succeeded"
    latest = pi.to_dict()["latest_charge"]
    charge_id = latest["id"] if isinstance(latest, dict) else latest
    sdk.v1.refunds.create(params={"charge": charge_id, "amount": 5000})
    deadline = time.time() + 15
    while time.time() < deadline:
        types = {json.loads(body)["type"] for body, _sig in capture.deliveries}
        if "payment_intent.succeeded" in types and "charge.refunded" in types:
            break
        time.sleep(0.3)
    types = [json.loads(body)["type"] for body, _sig in capture.deliveries]
    assert "payment_intent.succeeded" in types and "charge.refunded" in types, types
    order = {"payment_intent.succeeded": 0, "charge.refunded": 1}
    for body, signature in sorted(capture.deliveries, key=lambda d: order.get(json.loads(d[0])["type"], 2)):
        resp = client.post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )
        assert resp.status_code == 200, (json.loads(body)["type"], resp.content)
    donation.refresh_from_db()
    assert donation.receipt_no and donation.payment_intent_id == pi.id
    assert donation.refunded_fen == 5000 and donation.status == "partially_refunded"
    assert fund_account(city.fund).normal_balance == 20000 - 5000
    refund_event = next(json.loads(b) for b, _s in capture.deliveries if json.loads(b)["type"] == "charge.refunded")
    assert refund_event["data"]["object"]["id"] == charge_id
    assert ledger_verify()["ok"]
