"""Monthly giving (定期捐赠, #23): Checkout in subscription mode, each paid invoice one donation
with its own receipt number, failed payments and cancellations on the schedule, refunds of one
month only. Every Stripe event is signed and posted to the real webhook view."""

import datetime as dt
import json
import logging
from urllib.parse import unquote

import pytest
from django.utils import timezone

from apps.funds.models import Donation, GivingSchedule, StripeEvent
from apps.funds.selectors import fund_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from tests.factories.funds import GivingScheduleFactory
from tests.funds.conftest import event, post_event
from tests.funds.giving import (
    invoice_failed,
    invoice_paid,
    session_completed,
    subscription_deleted,
    subscription_updated,
)


@pytest.fixture
def schedule(city, stripe_settings):
    return GivingScheduleFactory(fund=city.fund, amount_fen=100_00, stripe_subscription_id="sub_m")


def test_monthly_donation_opens_checkout_in_subscription_mode(city, api, stripe_stub):
    r = api.post(
        f"/api/v1/funds/{city.fund.pk}/donations/",
        {"amount": "50.00", "interval": "month", "email": "a@example.org", "purpose": "elderly"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    schedule = GivingSchedule.objects.get(pk=body["schedule_id"])
    assert body["donation_id"] is None and body["interval"] == "month"
    assert schedule.amount_fen == 5000 and schedule.status == "pending" and schedule.email == "a@example.org"
    assert body["stripe_session_id"] == schedule.stripe_session_id and body["checkout_url"].startswith("https://")
    assert not Donation.objects.exists()  # nothing until Stripe says an invoice is paid
    path, headers, form = stripe_stub.requests[0]
    assert path == "/v1/checkout/sessions"
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price_data][recurring][interval]"] == ["month"]
    assert form["line_items[0][price_data][unit_amount]"] == ["5000"]
    assert form["subscription_data[metadata][giving_schedule_id]"] == [str(schedule.pk)]
    assert headers["Idempotency-Key"] == f"giving-{schedule.pk}-checkout"
    assert "/giving/" in unquote(form["success_url"][0])
    # a one-time gift is still a one-time gift
    once = api.post(f"/api/v1/funds/{city.fund.pk}/donations/", {"amount": "20.00", "interval": ""}, format="json")
    assert once.status_code == 201 and once.json()["interval"] == "" and once.json()["schedule_id"] is None
    assert stripe_stub.requests[1][2]["mode"] == ["payment"]


@pytest.mark.parametrize("interval", ["week", "year", "monthly", "MONTH", 5, ["month"]])
def test_other_intervals_are_a_clear_400(city, api, stripe_stub, interval):
    r = api.post(f"/api/v1/funds/{city.fund.pk}/donations/", {"amount": "50.00", "interval": interval}, format="json")
    assert r.status_code == 400
    assert "interval" in json.dumps(r.json(), ensure_ascii=False)
    assert not GivingSchedule.objects.exists() and not Donation.objects.exists()
    assert stripe_stub.requests == []


def test_monthly_amount_is_checked_like_a_gift(city, api, stripe_stub):
    r = api.post(f"/api/v1/funds/{city.fund.pk}/donations/", {"amount": "0.50", "interval": "month"}, format="json")
    assert r.status_code == 400 and not GivingSchedule.objects.exists()


def test_checkout_completed_in_subscription_mode_links_and_books_nothing(city, client, stripe_settings):
    schedule = GivingScheduleFactory(
        fund=city.fund, stripe_subscription_id=None, status="pending", stripe_session_id="cs_sub_1"
    )
    r = post_event(client, session_completed(schedule, subscription="sub_new"))
    assert r.status_code == 200 and r.json()["outcome"] == "subscription linked"
    schedule.refresh_from_db()
    assert schedule.stripe_subscription_id == "sub_new" and schedule.stripe_customer_id
    assert not Donation.objects.exists() and not Transfer.objects.exists()
    assert fund_account(city.fund).normal_balance == 0


def test_each_paid_invoice_books_one_donation_with_its_own_receipt(city, client, schedule):
    for month in (1, 2):
        r = post_event(client, invoice_paid(schedule, month))
        assert r.status_code == 200 and r.json()["outcome"] == "booked", r.content
    again = post_event(client, invoice_paid(schedule, 2))  # the same invoice in another event
    assert again.status_code == 200
    donations = list(Donation.objects.order_by("receipt_no"))
    assert len(donations) == 2
    assert [d.stripe_invoice_id for d in donations] == ["in_sub_m_1", "in_sub_m_2"]
    assert all(d.status == "paid" and d.schedule_id == schedule.pk for d in donations)
    assert donations[0].receipt_no != donations[1].receipt_no
    assert donations[0].charge_id == "ch_sub_m_1" and donations[0].payment_intent_id == "pi_sub_m_1"
    assert fund_account(city.fund).normal_balance == 2 * 100_00
    schedule.refresh_from_db()
    assert schedule.status == "active" and schedule.next_payment_at is not None


def test_first_invoice_before_checkout_completed_is_booked_by_the_metadata(city, client, stripe_settings):
    schedule = GivingScheduleFactory(fund=city.fund, stripe_subscription_id=None, status="pending")
    assert post_event(client, invoice_paid(schedule, 1, subscription="sub_late")).json()["outcome"] == "booked"
    assert post_event(client, session_completed(schedule, subscription="sub_late")).status_code == 200
    schedule.refresh_from_db()
    assert schedule.stripe_subscription_id == "sub_late" and schedule.status == "active"
    assert Donation.objects.count() == 1


def test_failed_payment_books_nothing_and_marks_the_schedule(city, client, schedule):
    post_event(client, invoice_paid(schedule, 1))
    r = post_event(client, invoice_failed(schedule, 2))
    assert r.status_code == 200 and r.json()["outcome"] == "payment failed"
    schedule.refresh_from_db()
    assert schedule.status == "past_due" and schedule.last_failed_at is not None
    assert Donation.objects.count() == 1 and Transfer.objects.filter(kind="donation").count() == 1
    assert fund_account(city.fund).normal_balance == 100_00
    post_event(client, invoice_paid(schedule, 2))  # Stripe's retry succeeded
    schedule.refresh_from_db()
    assert schedule.status == "active" and Donation.objects.count() == 2


def test_subscription_deleted_marks_it_cancelled(city, client, schedule):
    r = post_event(client, subscription_deleted(schedule))
    assert r.status_code == 200 and r.json()["outcome"] == "schedule cancelled"
    schedule.refresh_from_db()
    assert schedule.status == "cancelled" and schedule.cancelled_at is not None
    assert not Transfer.objects.exists()


def test_subscription_updated_changes_the_amount_and_books_nothing(city, client, schedule):
    post_event(client, invoice_paid(schedule, 1))
    # the donor raised the gift to 2 × ¥75.00 a month (quantity 2 of a ¥75.00 price)
    r = post_event(client, subscription_updated(schedule, unit_amount=75_00, quantity=2))
    assert r.status_code == 200 and r.json()["outcome"] == "schedule updated"
    schedule.refresh_from_db()
    assert schedule.amount_fen == 150_00 and schedule.status == "active"
    assert Donation.objects.count() == 1 and Transfer.objects.filter(kind="donation").count() == 1
    assert fund_account(city.fund).normal_balance == 100_00
    # the next month is paid at the new amount, and booked at it
    assert post_event(client, invoice_paid(schedule, 2)).json()["outcome"] == "booked"
    assert sorted(Donation.objects.values_list("amount_fen", flat=True)) == [100_00, 150_00]
    assert fund_account(city.fund).normal_balance == 250_00
    # an amount in another currency or outside ¥1–¥1,000,000 changes nothing
    euro = subscription_updated(schedule, unit_amount=80_00)
    euro["data"]["object"]["items"]["data"][0]["price"]["currency"] = "eur"
    for bad in (euro, subscription_updated(schedule, unit_amount=50), subscription_updated(schedule, unit_amount=-100)):
        r = post_event(client, bad)
        assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    schedule.refresh_from_db()
    assert schedule.amount_fen == 150_00


def test_subscription_updated_follows_its_status(city, client, schedule):
    post_event(client, invoice_paid(schedule, 1))
    assert post_event(client, subscription_updated(schedule, status="past_due")).json()["outcome"] == "schedule updated"
    schedule.refresh_from_db()
    assert schedule.status == "past_due"
    post_event(client, subscription_updated(schedule, status="active"))
    schedule.refresh_from_db()
    assert schedule.status == "active" and schedule.next_payment_at is not None
    post_event(client, subscription_updated(schedule, status="canceled"))
    schedule.refresh_from_db()
    assert schedule.status == "cancelled" and schedule.cancelled_at is not None and schedule.next_payment_at is None
    # a late "active" does not revive a cancelled gift; nothing was booked by any of them
    post_event(client, subscription_updated(schedule, status="active", unit_amount=500_00))
    schedule.refresh_from_db()
    assert schedule.status == "cancelled" and schedule.amount_fen == 100_00
    assert Donation.objects.count() == 1 and Transfer.objects.filter(kind="donation").count() == 1


def test_a_late_invoice_is_dated_when_stripe_took_the_money(city, client, schedule):
    paid = timezone.now() - dt.timedelta(days=40)
    evt = invoice_paid(schedule, 1, status_transitions={"paid_at": int(paid.timestamp())})
    assert post_event(client, evt).json()["outcome"] == "booked"
    donation = Donation.objects.get()
    assert abs((donation.paid_at - paid).total_seconds()) < 1
    # the ledger's transfer is dated when it was booked: the chain is append-only
    assert Transfer.objects.get(kind="donation").created_at > paid + dt.timedelta(days=39)


def test_invoice_of_an_unknown_subscription_is_logged_answered_200_and_books_nothing(city, client, schedule, caplog):
    stranger = invoice_paid(schedule, 1, subscription="sub_nobody")
    stranger["data"]["object"]["subscription_details"] = {"metadata": {}}
    with caplog.at_level(logging.WARNING, logger="apps.funds.webhooks"):
        r = post_event(client, stranger)
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    assert any("sub_nobody" in rec.getMessage() for rec in caplog.records)
    assert not Donation.objects.exists() and not Transfer.objects.exists()


def test_invoice_naming_another_linked_schedule_books_nothing(city, client, schedule):
    other = invoice_paid(schedule, 1, subscription="sub_other")  # metadata names schedule, linked to sub_m
    assert post_event(client, other).json()["outcome"] == "ignored"
    assert not Donation.objects.exists()


def test_invoice_with_another_amount_books_nothing(city, client, schedule):
    r = post_event(client, invoice_paid(schedule, 1, amount=99_00))
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    "kind",
    ["invoice.paid", "invoice.payment_failed", "customer.subscription.deleted", "customer.subscription.updated"],
)
def test_subscription_event_with_a_bad_signature_is_400_and_books_nothing(city, client, schedule, kind):
    evt = {
        "invoice.paid": lambda: invoice_paid(schedule, 1),
        "invoice.payment_failed": lambda: invoice_failed(schedule, 1),
        "customer.subscription.deleted": lambda: subscription_deleted(schedule),
        "customer.subscription.updated": lambda: subscription_updated(schedule, status="past_due", unit_amount=1),
    }[kind]()
    assert post_event(client, evt, secret="whsec_wrong").status_code == 400
    assert post_event(client, evt, tamper=True).status_code == 400
    assert not StripeEvent.objects.exists() and not Donation.objects.exists()
    schedule.refresh_from_db()
    assert schedule.status == "active"


def test_malformed_invoice_is_400(city, client, schedule):
    evt = invoice_paid(schedule, 1, amount=-5)
    assert post_event(client, evt).status_code == 400
    assert not Donation.objects.exists()


def test_refund_of_month_3_reverses_month_3_only(city, client, schedule):
    for month in range(1, 6):
        post_event(client, invoice_paid(schedule, month))
    refund = event(
        "charge.refunded",
        {
            "id": "ch_sub_m_3",
            "amount": 100_00,
            "amount_refunded": 100_00,
            "payment_intent": "pi_sub_m_3",
            "invoice": "in_sub_m_3",
            "metadata": {},
        },
    )
    r = post_event(client, refund)
    assert r.status_code == 200, r.content
    months = {d.stripe_invoice_id: d for d in Donation.objects.all()}
    assert months["in_sub_m_3"].status == "refunded" and months["in_sub_m_3"].refunded_fen == 100_00
    assert months["in_sub_m_3"].receipt_no  # a refunded donation keeps its number
    assert all(d.status == "paid" and d.refunded_fen == 0 for k, d in months.items() if k != "in_sub_m_3")
    assert fund_account(city.fund).normal_balance == 4 * 100_00
    dispute = event("charge.dispute.created", {"id": "dp_1", "amount": 100_00, "charge": "ch_sub_m_4"})
    assert post_event(client, dispute).status_code == 200
    months = {d.stripe_invoice_id: d.status for d in Donation.objects.all()}
    assert months == {
        "in_sub_m_1": "paid",
        "in_sub_m_2": "paid",
        "in_sub_m_3": "refunded",
        "in_sub_m_4": "disputed",
        "in_sub_m_5": "paid",
    }
    assert fund_account(city.fund).normal_balance == 3 * 100_00
    assert ledger_verify()["ok"]


def test_newer_api_invoice_shape_is_understood(city, client, schedule):
    """Stripe API 2025-03 moved an invoice's subscription and payment under parent/payments."""
    evt = invoice_paid(schedule, 1)
    obj = evt["data"]["object"]
    for name in ("subscription", "charge", "payment_intent", "subscription_details"):
        obj.pop(name)
    obj["parent"] = {"subscription_details": {"subscription": "sub_m", "metadata": {}}}
    obj["payments"] = {"data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_new_1"}}]}
    assert post_event(client, evt).json()["outcome"] == "booked"
    assert Donation.objects.get().payment_intent_id == "pi_new_1"
