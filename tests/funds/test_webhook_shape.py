"""Signed Stripe events that are not what a donation expects book nothing (issue 18).

Every event here is signed with Stripe's scheme and posted to the real webhook view. A body that
is not an event as Stripe sends it (not JSON, not an object, a field missing or of the wrong
type, a negative amount) is a 400. A well-formed event that does not match its donation (another
amount, another currency) or of a type we do not handle is answered 200 "ignored": Stripe would
deliver the same content again, so retrying can't help; reconciliation reports the payment.
Either way a warning names the event and the reason."""

import json
import logging
import time

import pytest

from apps.funds.models import Donation, StripeEvent
from apps.funds.selectors import fund_account
from apps.funds.services import stripe_client
from apps.ledger.models import Transfer
from tests.funds.conftest import sign

LOGGER = "apps.funds.webhooks"


def _post_raw(client, payload: bytes):
    return client.post(
        "/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )


def _post(client, evt):
    return _post_raw(client, json.dumps(evt).encode())


@pytest.fixture
def donation(city):
    return Donation.objects.create(fund=city.fund, amount_fen=5000, stripe_session_id="cs_shape")


def _session(donation, **changes):
    obj = {
        "id": donation.stripe_session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": donation.amount_fen,
        "currency": "cny",
        "payment_intent": f"pi_{donation.pk}",
        "metadata": {"donation_id": str(donation.pk)},
    }
    obj.update(changes)
    return {k: v for k, v in obj.items() if v is not ...}


def _charge(donation, **changes):
    obj = {
        "id": f"ch_{donation.pk}",
        "object": "charge",
        "amount": donation.amount_fen,
        "amount_refunded": 0,
        "currency": "cny",
        "payment_intent": f"pi_{donation.pk}",
        "metadata": {"donation_id": str(donation.pk)},
    }
    obj.update(changes)
    return {k: v for k, v in obj.items() if v is not ...}


def _event(kind, obj, event_id="evt_shape_1"):
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}


def _nothing_booked(city, donation):
    donation.refresh_from_db()
    assert donation.receipt_no is None and donation.status == "pending"
    assert fund_account(city.fund).normal_balance == 0
    assert not Transfer.objects.exists()


def _warned(caplog, event_id, words):
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert any(event_id in m and words in m for m in warnings), warnings


def test_a_well_formed_event_still_books(city, client, stripe_settings, donation):
    r = _post(client, _event("checkout.session.completed", _session(donation)))
    assert r.status_code == 200 and r.json()["outcome"] == "booked"
    assert fund_account(city.fund).normal_balance == 5000


@pytest.mark.parametrize(
    "amount",
    [-500, 0, "abc", "5000", 5000.0, True, None, ...],
    ids=["negative", "zero", "text", "numeric-text", "float", "bool", "null", "missing"],
)
def test_checkout_amount_that_is_not_a_positive_integer_is_400_and_books_nothing(
    city, client, stripe_settings, donation, caplog, amount
):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    r = _post(client, _event("checkout.session.completed", _session(donation, amount_total=amount)))
    assert r.status_code == 400, r.content
    assert "amount_total" in r.json()["detail"]
    _nothing_booked(city, donation)
    assert not StripeEvent.objects.exists()
    _warned(caplog, "evt_shape_1", "amount_total")


@pytest.mark.parametrize(
    "payload",
    [b"[]", b'"abc"', b"null", b"42", b"{not json", b"\xff\xfe", b"[" * 5000 + b"]" * 5000, b""],
    ids=["list", "string", "null", "number", "broken", "not-utf8", "deep", "empty"],
)
def test_a_body_that_is_not_a_json_object_is_400(city, client, stripe_settings, donation, payload):
    r = _post_raw(client, payload)
    assert r.status_code == 400, r.content
    assert r.json()["detail"]
    _nothing_booked(city, donation)


@pytest.mark.parametrize(
    "evt",
    [
        {"object": "event", "type": "checkout.session.completed", "data": {"object": {}}},
        {"id": "evt_m", "object": "event", "data": {"object": {}}},
        {"id": "evt_m", "object": "event", "type": "checkout.session.completed"},
        {"id": "evt_m", "object": "event", "type": "checkout.session.completed", "data": []},
        {"id": "evt_m", "object": "event", "type": "checkout.session.completed", "data": {"object": "cs_1"}},
        {"id": 7, "object": "event", "type": "checkout.session.completed", "data": {"object": {}}},
        {"id": "evt_m", "object": "event", "type": ["charge.refunded"], "data": {"object": {}}},
    ],
    ids=["no-id", "no-type", "no-data", "data-list", "object-string", "id-number", "type-list"],
)
def test_an_event_without_its_envelope_is_400(city, client, stripe_settings, donation, evt):
    r = _post(client, evt)
    assert r.status_code == 400, r.content
    _nothing_booked(city, donation)
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"currency": ...}, "currency"),
        ({"currency": 5}, "currency"),
        ({"object": "charge"}, "object"),
        ({"object": ...}, "object"),
        ({"metadata": "donation 1"}, "metadata"),
        ({"payment_intent": 12}, "payment_intent"),
        ({"id": ...}, "id"),
    ],
    ids=["no-currency", "currency-number", "wrong-object", "no-object", "metadata-string", "intent-number", "no-id"],
)
def test_a_checkout_session_not_shaped_as_stripe_sends_it_is_400(
    city, client, stripe_settings, donation, caplog, changes, field
):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    r = _post(client, _event("checkout.session.completed", _session(donation, **changes)))
    assert r.status_code == 400, r.content
    assert field in r.json()["detail"]
    _nothing_booked(city, donation)
    _warned(caplog, "evt_shape_1", field)


def test_an_amount_other_than_the_donations_is_ignored_logged_and_books_nothing(
    city, client, stripe_settings, donation, caplog
):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    r = _post(client, _event("checkout.session.completed", _session(donation, amount_total=4999)))
    assert r.status_code == 200, r.content
    assert r.json()["outcome"] == "ignored"
    _nothing_booked(city, donation)
    _warned(caplog, "evt_shape_1", "amount")


@pytest.mark.parametrize("currency", ["usd", "CNY", "cn"])
def test_a_currency_other_than_the_donations_is_ignored_logged_and_books_nothing(
    city, client, stripe_settings, donation, caplog, currency
):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    r = _post(client, _event("checkout.session.completed", _session(donation, currency=currency)))
    assert r.status_code == 200, r.content
    assert r.json()["outcome"] == "ignored"
    _nothing_booked(city, donation)
    _warned(caplog, "evt_shape_1", "currency")


def test_an_unknown_event_type_is_ignored_and_logged(city, client, stripe_settings, donation, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    r = _post(client, _event("checkout.session.expired_soon", _session(donation), event_id="evt_unknown"))
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    _nothing_booked(city, donation)
    _warned(caplog, "evt_unknown", "type")


@pytest.mark.parametrize(
    "kind, changes",
    [
        ("payment_intent.succeeded", {"amount_received": -1}),
        ("payment_intent.succeeded", {"amount_received": "5000"}),
        ("payment_intent.succeeded", {"amount_received": 4000}),
        ("charge.succeeded", {"amount": -5000}),
        ("charge.succeeded", {"amount": 9000}),
        ("charge.succeeded", {"currency": "eur"}),
        ("charge.succeeded", {"balance_transaction": {"id": "txn_1", "fee": -10}}),
        ("charge.succeeded", {"balance_transaction": {"id": "txn_1", "fee": "x"}}),
    ],
    ids=[
        "pi-negative",
        "pi-text",
        "pi-other-amount",
        "ch-negative",
        "ch-other-amount",
        "ch-eur",
        "fee-neg",
        "fee-text",
    ],
)
def test_payment_events_that_do_not_match_book_nothing(city, client, stripe_settings, donation, kind, changes):
    if kind.startswith("payment_intent"):
        obj = {
            "id": f"pi_{donation.pk}",
            "object": "payment_intent",
            "amount": donation.amount_fen,
            "amount_received": donation.amount_fen,
            "currency": "cny",
            "latest_charge": None,
            "metadata": {"donation_id": str(donation.pk)},
            **changes,
        }
    else:
        obj = _charge(donation, **changes)
    r = _post(client, _event(kind, obj))
    assert r.status_code in (200, 400), r.content
    if r.status_code == 200:
        assert r.json()["outcome"] == "ignored"
    _nothing_booked(city, donation)


@pytest.fixture
def paid(city, client, stripe_settings, donation):
    assert _post(client, _event("checkout.session.completed", _session(donation), event_id="evt_paid")).json() == {
        "received": True,
        "outcome": "booked",
    }
    donation.refresh_from_db()
    return donation


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"amount_refunded": -100}, 400),
        ({"amount_refunded": "100"}, 400),
        ({"amount_refunded": 6000}, 400),
        ({"amount_refunded": ...}, 400),
        ({"amount_refunded": 100, "amount": 9000}, 200),
        ({"amount_refunded": 100, "currency": "usd"}, 200),
    ],
    ids=["negative", "text", "more-than-charged", "missing", "other-charge-amount", "other-currency"],
)
def test_refunds_that_do_not_match_book_nothing(city, client, paid, changes, status):
    r = _post(client, _event("charge.refunded", _charge(paid, **changes), event_id="evt_refund"))
    assert r.status_code == status, r.content
    paid.refresh_from_db()
    assert paid.refunded_fen == 0 and paid.status == "paid"
    assert fund_account(city.fund).normal_balance == 5000


@pytest.mark.parametrize(
    "changes, status",
    [({"amount": -5000}, 400), ({"amount": "x"}, 400), ({"amount": 6000}, 200), ({"currency": "usd"}, 200)],
    ids=["negative", "text", "more-than-paid", "other-currency"],
)
def test_disputes_that_do_not_match_book_nothing(city, client, paid, changes, status):
    Donation.objects.filter(pk=paid.pk).update(charge_id="ch_d")
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_d", "amount": 5000, "currency": "cny", **changes}
    r = _post(client, _event("charge.dispute.created", dispute, event_id="evt_dispute"))
    assert r.status_code == status, r.content
    paid.refresh_from_db()
    assert paid.status == "paid"
    assert fund_account(city.fund).normal_balance == 5000


@pytest.mark.slow
@pytest.mark.parametrize("amount, currency", [(4999, "cny"), (5000, "usd")], ids=["other-amount", "other-currency"])
def test_localstripe_payment_that_does_not_match_the_donation_books_nothing(
    city, client, localstripe_webhooks, donation, caplog, amount, currency
):
    """A real PaymentIntent on localstripe, its signed events delivered to our endpoint."""
    caplog.set_level(logging.WARNING, logger=LOGGER)
    sdk = stripe_client()
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    pm = sdk.v1.payment_methods.create(params={"type": "card", "card": card})
    params = {"amount": amount, "currency": currency, "payment_method": pm.id, "confirm": True}
    pi = sdk.v1.payment_intents.create(params={**params, "metadata": {"donation_id": str(donation.pk)}})
    assert pi.status == "succeeded"
    deliveries = localstripe_webhooks.deliveries
    deadline = time.time() + 15
    while time.time() < deadline and not any(b'"payment_intent.succeeded"' in body for body, _sig in deliveries):
        time.sleep(0.3)
    succeeded = [json.loads(body) for body, _sig in deliveries if b'"payment_intent.succeeded"' in body]
    assert succeeded, deliveries
    for body, signature in list(deliveries):
        resp = client.post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )
        assert resp.status_code == 200, resp.content
    _warned(caplog, succeeded[0]["id"], "currency" if currency != "cny" else "amount")
    _nothing_booked(city, donation)
