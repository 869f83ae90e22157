"""A refund the fund could not absorb is held; its fund manager resolves it on a page: booked
from the fund once money is back, or covered by the host foundation. Never negative, booked once."""

import pytest

from apps.funds.models import Donation, RefundHold
from apps.funds.services import (
    fund_account,
    fund_income_record,
    host_cover_account,
    organization_account,
    stripe_account,
)
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import transfer_post
from tests.funds.conftest import event, post_event
from tests.funds.test_api import _paid_donation
from tests.money_confirm import form_of


@pytest.fixture
def held(city, client, stripe_settings):
    stripe_settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern
    d = _paid_donation(city, client, amount=10000)
    transfer_post(
        key="spent", kind="grant", legs=[(fund_account(city.fund), 9000), (organization_account(city.fund), -9000)]
    )
    refund = {"id": "ch_h", "payment_intent": d.payment_intent_id, "amount": 10000, "amount_refunded": 5000}
    assert post_event(client, event("charge.refunded", refund)).status_code == 200
    return RefundHold.objects.get(donation=d)


def _resolve(client, hold, resolution, note=""):
    """Open the hold's confirm page and press its button; a raw POST when the page refuses (another
    user, a resolved hold)."""
    page = client.get(f"/en/funds/{hold.fund_id}/holds/{hold.pk}/", {"resolution": resolution, "note": note})
    if page.status_code == 200:
        action, fields = form_of(page)
        return client.post(action, fields, follow=True)
    return client.post(
        f"/en/funds/{hold.fund_id}/holds/", {"hold": hold.pk, "resolution": resolution, "note": note}, follow=True
    )


def test_only_the_funds_manager_sees_and_resolves(city, client, held, make_user):
    url = f"/funds/{city.fund.pk}/holds/"
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(make_user())  # a resident: no role
    assert client.get(url).status_code == 403
    assert _resolve(client, held, "host").status_code == 403
    held.refresh_from_db()
    assert not held.resolved


def test_a_malformed_hold_id_is_not_found(city, client, held, make_user):
    client.force_login(make_user("fund_manager", fund=city.fund))
    for bad in ("abc", "", "1.5"):
        response = client.post(f"/en/funds/{city.fund.pk}/holds/", {"hold": bad, "resolution": "host"})
        assert response.status_code == 404, bad
    held.refresh_from_db()
    assert not held.resolved


def test_book_from_the_fund_once_money_is_back(city, client, held, make_user):
    client.force_login(make_user("fund_manager", fund=city.fund))
    page = client.get(f"/en/funds/{city.fund.pk}/holds/").content.decode()
    assert f'id="hold-{held.pk}"' in page and "¥50.00" in page
    # the fund still has only 10.00: refused, nothing booked, the hold stays open
    page = _resolve(client, held, "fund").content.decode()
    held.refresh_from_db()
    assert not held.resolved and "Not enough money" in page
    assert fund_account(city.fund).normal_balance == 1000
    fund_income_record(fund=city.fund, amount_fen=6000, source="街道拨款", idempotency_key="back")
    _resolve(client, held, "fund", note="街道拨款到账后退回")
    held.refresh_from_db()
    assert held.resolved and held.resolution == "fund" and held.transfer.kind == "refund"
    assert fund_account(city.fund).normal_balance == 1000 + 6000 - 5000
    d = Donation.objects.get(pk=held.donation_id)
    assert d.refunded_fen == 5000 and d.status == "partially_refunded"
    # a second resolution changes nothing
    page = _resolve(client, held, "host").content.decode()
    assert "already resolved" in page
    assert Transfer.objects.filter(reference=f"donation:{d.pk}", kind__startswith="refund").count() == 1
    # Stripe refunds the rest later: only the new 50.00 is due (2000 available -> held again)
    rest = {"id": "ch_h", "payment_intent": d.payment_intent_id, "amount": 10000, "amount_refunded": 10000}
    assert post_event(client, event("charge.refunded", rest)).status_code == 200
    assert RefundHold.objects.filter(donation=d, resolved=False).get().amount_fen == 5000
    assert ledger_verify()["ok"]


def test_host_foundation_covers(city, client, held, make_user):
    client.force_login(make_user("fund_manager", fund=city.fund))
    stripe_before = stripe_account().normal_balance
    _resolve(client, held, "host", note="慈善总会兜底")
    held.refresh_from_db()
    assert held.resolved and held.resolution == "host" and held.note == "慈善总会兜底"
    assert fund_account(city.fund).normal_balance == 1000  # untouched
    assert host_cover_account(city.fund).normal_balance == 5000
    assert stripe_account().normal_balance == stripe_before - 5000
    assert Donation.objects.get(pk=held.donation_id).refunded_fen == 5000
    assert ledger_verify()["ok"]
