"""The donor's page of a monthly gift (/giving/<signed token>/, no account): its payments and a
button that stops it, at Stripe through the SDK (localstripe) and here; a wrong or tampered link
is the Chinese 404 page."""

import json
import time

import pytest
from django.core import signing

from apps.funds.models import Donation, GivingSchedule
from apps.funds.selectors import GIVING_TOKEN_SALT, fund_account
from apps.funds.services import giving_token, stripe_client
from apps.ledger.selectors import ledger_verify
from tests.factories.funds import GivingScheduleFactory
from tests.funds.conftest import post_event
from tests.funds.giving import invoice_paid


def test_the_signed_link_shows_the_payments_and_stops_the_gift(city, client, stripe_settings, monkeypatch):
    schedule = GivingScheduleFactory(fund=city.fund, amount_fen=50_00, stripe_subscription_id="sub_page")
    for month in (1, 2):
        post_event(client, invoice_paid(schedule, month))
    url = f"/giving/{giving_token(schedule)}/"
    page = client.get(url).content.decode()
    for d in Donation.objects.all():
        assert d.receipt_no in page
    assert "我的每月定期捐赠" in page and "¥50.00" in page and "¥100.00" in page and "有效" in page
    assert "停止每月定期捐赠" in page
    cancelled = []
    monkeypatch.setattr(
        type(stripe_client().v1.subscriptions), "cancel", lambda self, sid, *a, **k: cancelled.append(sid)
    )
    r = client.post(url, {"action": "cancel"}, follow=True)
    assert cancelled == ["sub_page"]
    schedule.refresh_from_db()
    assert schedule.status == "cancelled"
    text = r.content.decode()
    assert "已停止" in text and "停止每月定期捐赠</button>" not in text
    assert Donation.objects.count() == 2  # what was given stays


def test_stripe_down_keeps_the_gift_and_says_so(city, client, stripe_settings, monkeypatch):
    schedule = GivingScheduleFactory(fund=city.fund)

    def down(self, sid, *a, **k):
        raise ConnectionError("no route")

    monkeypatch.setattr(type(stripe_client().v1.subscriptions), "cancel", down)
    r = client.post(f"/giving/{giving_token(schedule)}/", {"action": "cancel"}, follow=True)
    schedule.refresh_from_db()
    assert schedule.status == "active" and "支付服务暂不可用" in r.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "1:abc",
        lambda s: giving_token(s)[:-2] + ("AA" if not giving_token(s).endswith("AA") else "BB"),
        lambda s: signing.dumps(s.pk, salt="another.salt"),
        lambda s: signing.dumps(s.pk + 1000, salt=GIVING_TOKEN_SALT),
        lambda s: signing.dumps("x", salt=GIVING_TOKEN_SALT),
    ],
)
def test_a_wrong_or_tampered_link_is_the_chinese_404(city, client, stripe_settings, token):
    schedule = GivingScheduleFactory(fund=city.fund)
    token = token(schedule) if callable(token) else token
    for method in (client.get, client.post):
        r = method(f"/giving/{token}/", {"action": "cancel"} if method == client.post else None)
        assert r.status_code == 404
        assert "页面不存在" in r.content.decode() or "找不到" in r.content.decode()
    schedule.refresh_from_db()
    assert schedule.status == "active"


@pytest.mark.slow
def test_localstripe_subscription_booked_then_stopped_from_the_page(city, client, localstripe_webhooks):
    """A real subscription in localstripe: its paid invoice's event books month 1; the page's
    button cancels it at localstripe, whose customer.subscription.deleted then changes nothing;
    a refund of that month's charge reverses it."""
    capture = localstripe_webhooks
    sdk = stripe_client()
    product = sdk.v1.products.create(params={"name": city.fund.name})
    plan = sdk.v1.plans.create(params={"amount": 3000, "currency": "cny", "interval": "month", "product": product.id})
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    pm = sdk.v1.payment_methods.create(params={"type": "card", "card": card})
    customer = sdk.v1.customers.create(
        params={
            "email": "ls@example.org",
            "payment_method": pm.id,
            "invoice_settings": {"default_payment_method": pm.id},
        }
    )
    schedule = GivingSchedule.objects.create(fund=city.fund, amount_fen=3000, email="ls@example.org")
    sub = sdk.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"plan": plan.id}],
            "metadata": {"giving_schedule_id": str(schedule.pk)},
        }
    )
    schedule.stripe_subscription_id = sub.id  # Checkout links it (localstripe has no Checkout Sessions)
    schedule.save()

    def deliveries_of(kind):
        deadline = time.time() + 15
        while time.time() < deadline:
            found = [(b, s) for b, s in capture.deliveries if json.loads(b)["type"] == kind]
            if found:
                return found
            time.sleep(0.3)
        raise AssertionError(f"localstripe sent no {kind}: {[json.loads(b)['type'] for b, _ in capture.deliveries]}")

    def post(body, signature):
        return client.post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    for body, signature in deliveries_of("invoice.payment_succeeded"):
        assert post(body, signature).status_code == 200
    donation = Donation.objects.get(schedule=schedule)
    invoice = json.loads(deliveries_of("invoice.payment_succeeded")[0][0])["data"]["object"]
    assert donation.stripe_invoice_id == invoice["id"] and donation.receipt_no and donation.charge_id
    assert fund_account(city.fund).normal_balance == 3000

    url = f"/giving/{giving_token(schedule)}/"
    assert donation.receipt_no in client.get(url).content.decode()
    client.post(url, {"action": "cancel"})
    assert sdk.v1.subscriptions.retrieve(sub.id).status == "canceled"
    schedule.refresh_from_db()
    assert schedule.status == "cancelled"
    for body, signature in deliveries_of("customer.subscription.deleted"):
        assert post(body, signature).status_code == 200
    schedule.refresh_from_db()
    assert schedule.status == "cancelled"

    sdk.v1.refunds.create(params={"charge": donation.charge_id})
    for body, signature in deliveries_of("charge.refunded"):
        assert post(body, signature).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "refunded" and fund_account(city.fund).normal_balance == 0
    assert ledger_verify()["ok"]
