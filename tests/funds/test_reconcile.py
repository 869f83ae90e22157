from apps.funds.jobs import reconcile
from apps.funds.models import Donation
from apps.funds.services import donation_book_payment


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
