from apps.funds.jobs import _notify, reconcile
from apps.funds.models import Donation, RefundHold
from apps.funds.selectors import fund_account
from apps.funds.services import donation_book_payment, organization_account
from apps.ledger.services import transfer_post
from apps.notifications.models import Notification
from tests.funds.conftest import event, post_event
from tests.funds.test_api import _paid_donation


def test_reconcile_reports_unbooked_and_differing_charges(city):
    d = Donation.objects.create(fund=city.fund, amount_fen=1000)
    donation_book_payment(donation=d, gross_fen=1000, charge="ch_ok")
    rows = [
        {"id": "txn_1", "type": "charge", "amount": 1000, "fee": 0, "source": "ch_ok"},
        {"id": "txn_2", "type": "charge", "amount": 500, "fee": 0, "source": "ch_missing"},
    ]
    diffs = reconcile(rows)
    assert [x["balance_transaction"] for x in diffs] == ["txn_2"]
    rows[0]["amount"] = 999
    assert {x["problem"] for x in reconcile(rows)} == {"amount differs", "charge not booked"}


def test_reconcile_covers_refunds_and_tells_the_funds_managers(city, client, stripe_settings, make_user):
    manager = make_user("fund_manager", fund=city.fund)
    other = make_user("fund_manager", fund=city.other_fund)
    d = _paid_donation(city, client, amount=10000)
    refund = {"id": "ch_r", "payment_intent": d.payment_intent_id, "amount": 10000, "amount_refunded": 3000}
    assert post_event(client, event("charge.refunded", refund)).status_code == 200

    def bt(id_, amount, intent=d.payment_intent_id):
        return {"id": id_, "type": "refund", "amount": -amount, "source": {"id": "re_x", "payment_intent": intent}}

    assert reconcile([bt("txn_r1", 3000)]) == []  # booked as Stripe says
    diffs = reconcile([bt("txn_r1", 3000), bt("txn_r2", 2000), bt("txn_r3", 700, intent="pi_unknown")])
    assert {(x["problem"], x["fund"]) for x in diffs} == {
        ("refunds differ", city.fund.pk),
        ("refund not matched to a donation", None),
    }
    (differ,) = [x for x in diffs if x["problem"] == "refunds differ"]
    assert (differ["stripe"], differ["ledger"], differ["held"]) == (5000, 3000, 0)
    # the fund spends the rest; Stripe refunds 20.00 more: held, and reconciliation says so
    transfer_post(
        key="spent", kind="grant", legs=[(fund_account(city.fund), 7000), (organization_account(city.fund), -7000)]
    )
    refund["amount_refunded"] = 5000
    assert post_event(client, event("charge.refunded", refund)).status_code == 200
    assert RefundHold.objects.get().amount_fen == 2000
    diffs = reconcile([bt("txn_r1", 3000), bt("txn_r2", 2000)])
    assert [x["problem"] for x in diffs] == ["refund held: Stripe paid it, the fund has not booked it"]
    _notify(diffs)
    note = Notification.objects.get(user=manager, kind="fund_reconciliation")
    assert "txn_r1,txn_r2" in note.body and note.url == f"/funds/{city.fund.pk}/holds/"
    assert not Notification.objects.filter(user=other, kind="fund_reconciliation").exists()
