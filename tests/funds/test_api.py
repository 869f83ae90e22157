import time

import pytest

from apps.funds.models import Donation, RefundHold, StripeEvent
from apps.funds.selectors import fund_account
from apps.funds.services import organization_account
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import transfer_post
from apps.notifications.models import Notification
from tests.funds.conftest import event, post_event


@pytest.fixture
def manager(city, make_user):
    return make_user("fund_manager", fund=city.fund)


def test_public_fund_list_and_detail(city, api):
    body = api.get("/api/v1/funds/").json()
    assert body["count"] == 2
    row = next(r for r in body["results"] if r["id"] == city.fund.pk)
    assert row["balance"] == "0.00" and row["currency"] == "CNY" and row["code"] == city.fund.code
    detail = api.get(f"/api/v1/funds/{city.fund.pk}/").json()
    assert detail["total_in"] == "0.00" and detail["total_out"] == "0.00" and detail["restricted"] == []
    assert api.get("/api/v1/funds/999999/").status_code == 404
    assert api.get("/api/v1/funds/abc/").status_code == 404


def test_income_by_fund_manager_is_idempotent_and_restricted(city, api, manager, make_user):
    url = f"/api/v1/funds/{city.fund.pk}/income/"
    payload = {"amount": "1200.50", "source": "银行转账", "memo": "企业捐赠", "idempotency_key": "bank-1"}
    assert api.post(url, payload, format="json").status_code in (401, 403)
    assert api.as_user(make_user()).post(url, payload, format="json").status_code == 403
    other = make_user("fund_manager", fund=city.other_fund)
    assert api.as_user(other).post(url, payload, format="json").status_code == 403
    client = api.as_user(manager)
    first = client.post(url, payload, format="json")
    assert first.status_code == 201, first.json()
    again = client.post(url, payload, format="json")
    assert again.json()["transfer"] == first.json()["transfer"]
    assert client.post(url, {**payload, "amount": "1.00"}, format="json").status_code == 409
    r = client.post(
        url, {**payload, "idempotency_key": "bank-2", "purpose": "elderly", "amount": "300.00"}, format="json"
    )
    assert r.status_code == 201
    detail = api.get(f"/api/v1/funds/{city.fund.pk}/").json()
    assert detail["balance"] == "1500.50" and detail["total_in"] == "1500.50"
    assert detail["restricted"] == [{"purpose": "elderly", "balance": "300.00"}]
    transfers = api.get(f"/api/v1/funds/{city.fund.pk}/transfers/").json()
    assert transfers["count"] == 2
    assert {t["direction"] for t in transfers["results"]} == {"in"}
    assert ledger_verify()["ok"]


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "abc"},
        {"amount": "-5.00"},
        {"amount": "1.001"},
        {"amount": "10.00", "purpose": "no-such"},
        {"amount": "10.00", "source": "x" * 5000},
        {"amount": 1e30},
    ],
)
def test_income_bad_input_is_400(city, api, manager, bad):
    payload = {"amount": "10.00", "source": "cash", "idempotency_key": "k", **bad}
    r = api.as_user(manager).post(f"/api/v1/funds/{city.fund.pk}/income/", payload, format="json")
    assert r.status_code == 400, r.content


def test_donation_creates_checkout_session_with_idempotency_key(city, api, stripe_stub):
    r = api.post(
        f"/api/v1/funds/{city.fund.pk}/donations/",
        {"amount": "88.00", "purpose": "elderly", "donor_name": "张三", "anonymous": False, "email": "z@example.com"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    donation = Donation.objects.get(pk=body["donation_id"])
    assert donation.status == "pending" and donation.amount_fen == 8800
    assert body["stripe_session_id"] == donation.stripe_session_id and body["checkout_url"].startswith("https://")
    path, headers, form = stripe_stub.requests[0]
    assert path == "/v1/checkout/sessions"
    assert headers["Idempotency-Key"] == f"donation-{donation.pk}-checkout"
    assert form["line_items[0][price_data][unit_amount]"] == ["8800"]
    assert {v for k, vs in form.items() if k.startswith("payment_method_types") for v in vs} == {
        "card",
        "alipay",
        "wechat_pay",
    }


@pytest.mark.parametrize(
    "bad", [{"amount": "0.50"}, {"amount": "x"}, {"amount": "10", "purpose": "nope"}, {"amount": "10", "email": "no"}]
)
def test_donation_bad_input(city, api, stripe_stub, bad):
    r = api.post(f"/api/v1/funds/{city.fund.pk}/donations/", {"anonymous": True, **bad}, format="json")
    assert r.status_code == 400
    assert not Donation.objects.exists()


def _paid_donation(city, client, *, amount=10000, purpose="", name="李四", anonymous=True):
    d = Donation.objects.create(
        fund=city.fund,
        amount_fen=amount,
        purpose=purpose,
        donor_name=name,
        anonymous=anonymous,
        stripe_session_id=f"cs_{name}",
    )
    session = {
        "id": d.stripe_session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": amount,
        "payment_intent": f"pi_{d.pk}",
        "metadata": {"donation_id": str(d.pk)},
    }
    r = post_event(client, event("checkout.session.completed", session))
    assert r.status_code == 200, r.content
    d.refresh_from_db()
    return d


def test_checkout_completed_books_once_and_receipt_verifies(city, client, api, stripe_settings):
    d = _paid_donation(city, client, amount=5000, name="王五", anonymous=False)
    assert d.status == "paid" and d.receipt_no
    assert fund_account(city.fund).normal_balance == 5000
    # the same event again, and a second event for the same payment: nothing more is booked
    session = {
        "id": d.stripe_session_id,
        "payment_status": "paid",
        "amount_total": 5000,
        "metadata": {"donation_id": str(d.pk)},
    }
    evt = event("checkout.session.async_payment_succeeded", session)
    assert post_event(client, evt).status_code == 200
    assert post_event(client, evt).json()["outcome"] == "duplicate"
    assert fund_account(city.fund).normal_balance == 5000
    receipt = api.get(f"/api/v1/donations/{d.receipt_no}/verify/").json()
    assert receipt["amount"] == "50.00" and receipt["fund"] == city.fund.name and receipt["status"] == "paid"
    assert api.get("/api/v1/donations/NOPE-1/verify/").status_code == 404
    rows = api.get(f"/api/v1/funds/{city.fund.pk}/transfers/").json()["results"]
    assert rows[0]["donor_display"] == "王五"


def test_receipts_are_sequential(city, client, stripe_settings):
    a = _paid_donation(city, client, name="a")
    b = _paid_donation(city, client, name="b")
    assert int(b.receipt_no.rsplit("-", 1)[1]) == int(a.receipt_no.rsplit("-", 1)[1]) + 1


def test_anonymous_donor_hidden(city, client, api, stripe_settings):
    _paid_donation(city, client, name="秘密捐赠人", anonymous=True)
    text = api.get(f"/api/v1/funds/{city.fund.pk}/transfers/").content.decode()
    assert "秘密捐赠人" not in text


@pytest.mark.parametrize("problem", ["bad_secret", "stale", "tampered", "no_header"])
def test_bad_signatures_are_400_and_book_nothing(city, client, stripe_settings, problem):
    d = Donation.objects.create(fund=city.fund, amount_fen=1000, stripe_session_id="cs_x")
    evt = event(
        "checkout.session.completed",
        {"id": "cs_x", "payment_status": "paid", "amount_total": 1000, "metadata": {"donation_id": str(d.pk)}},
    )
    if problem == "bad_secret":
        r = post_event(client, evt, secret="whsec_wrong")
    elif problem == "stale":
        r = post_event(client, evt, ts=int(time.time()) - 3600)
    elif problem == "tampered":
        r = post_event(client, evt, tamper=True)
    else:
        r = client.post("/stripe/webhook/", data=b"{}", content_type="application/json")
    assert r.status_code == 400
    d.refresh_from_db()
    assert d.status == "pending" and d.receipt_no is None
    assert fund_account(city.fund).normal_balance == 0


def test_refund_partial_then_full_in_any_order(city, client, stripe_settings):
    d = _paid_donation(city, client, amount=10000)
    charge = {"id": "ch_1", "object": "charge", "payment_intent": d.payment_intent_id, "amount": 10000}
    later = event("charge.refunded", {**charge, "amount_refunded": 10000})
    earlier = event("charge.refunded", {**charge, "amount_refunded": 3000})
    assert post_event(client, later).status_code == 200
    assert post_event(client, earlier).status_code == 200  # stale: nothing more
    d.refresh_from_db()
    assert d.refunded_fen == 10000 and d.status == "refunded"
    assert fund_account(city.fund).normal_balance == 0
    assert ledger_verify()["ok"]


def test_refund_of_spent_money_becomes_a_hold_never_negative(city, client, stripe_settings, make_user):
    manager = make_user("fund_manager", fund=city.fund)
    d = _paid_donation(city, client, amount=10000)
    org = organization_account(city.fund)  # any organization-like account
    transfer_post(key="spent", kind="grant", legs=[(fund_account(city.fund), 9000), (org, -9000)])
    evt = event(
        "charge.refunded",
        {"id": "ch_2", "payment_intent": d.payment_intent_id, "amount": 10000, "amount_refunded": 5000},
    )
    assert post_event(client, evt).status_code == 200
    assert fund_account(city.fund).normal_balance == 1000
    hold = RefundHold.objects.get()
    assert hold.amount_fen == 5000 and not hold.resolved
    assert Notification.objects.filter(user=manager, kind="fund_refund_hold").exists()


def test_dispute_booked(city, client, stripe_settings):
    d = _paid_donation(city, client, amount=10000)
    Donation.objects.filter(pk=d.pk).update(charge_id="ch_9")
    evt = event("charge.dispute.created", {"id": "dp_1", "object": "dispute", "charge": "ch_9", "amount": 10000})
    assert post_event(client, evt).status_code == 200
    d.refresh_from_db()
    assert d.status == "disputed" and fund_account(city.fund).normal_balance == 0


def test_refund_before_payment_event_books_both(city, client, stripe_settings):
    d = Donation.objects.create(fund=city.fund, amount_fen=2000, stripe_session_id="cs_early")
    charge = {
        "id": "ch_e",
        "object": "charge",
        "payment_intent": "pi_e",
        "amount": 2000,
        "amount_refunded": 500,
        "metadata": {"donation_id": str(d.pk)},
    }
    assert post_event(client, event("charge.refunded", charge)).status_code == 200
    session = {
        "id": "cs_early",
        "payment_status": "paid",
        "amount_total": 2000,
        "payment_intent": "pi_e",
        "metadata": {"donation_id": str(d.pk)},
    }
    assert post_event(client, event("checkout.session.completed", session)).status_code == 200
    assert fund_account(city.fund).normal_balance == 1500
    assert ledger_verify()["ok"]


def test_unknown_refund_is_retried_later(city, client, stripe_settings):
    evt = event(
        "charge.refunded", {"id": "ch_unknown", "payment_intent": "pi_unknown", "amount": 5, "amount_refunded": 5}
    )
    assert post_event(client, evt).status_code == 409

    assert not StripeEvent.objects.exists()


def test_platform_staff_may_not_record_a_funds_income(city, api, make_user):
    """Money of a fund is moved only by the fund's own managers; platform staff read the books."""
    staff = api.as_user(make_user("platform_staff"))
    payload = {"amount": "10.00", "source": "银行转账", "memo": "", "idempotency_key": "staff-1"}
    assert staff.post(f"/api/v1/funds/{city.fund.pk}/income/", payload, format="json").status_code == 403
    assert staff.get(f"/api/v1/funds/{city.fund.pk}/").status_code == 200
