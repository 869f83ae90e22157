"""1,000 webhook deliveries, 30 % duplicates, shuffled, from several threads: exactly the
expected transfers. PostgreSQL runs 8 threads; SQLite (one writer at a time) runs 1 thread."""

import json
import random
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from apps.funds.models import Donation
from apps.funds.selectors import fund_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from tests.funds.conftest import sign


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_webhook_storm(city, stripe_settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL); SQLite flushes through the append-only triggers")
    rng = random.Random(7)
    donations = [
        Donation.objects.create(fund=city.fund, amount_fen=100 + i, stripe_session_id=f"cs_s{i}") for i in range(350)
    ]
    events = []
    for d in donations:
        events.append(
            {
                "id": f"evt_pay_{d.pk}",
                "type": "checkout.session.completed",
                "data": {
                    "object": {
                        "id": d.stripe_session_id,
                        "object": "checkout.session",
                        "currency": "cny",
                        "payment_status": "paid",
                        "amount_total": d.amount_fen,
                        "payment_intent": f"pi_{d.pk}",
                        "metadata": {"donation_id": str(d.pk)},
                    }
                },
            }
        )
    for d in donations[:350]:
        if len(events) >= 700:
            break
        events.append(
            {
                "id": f"evt_ref_{d.pk}",
                "type": "charge.refunded",
                "data": {
                    "object": {
                        "id": f"ch_{d.pk}",
                        "object": "charge",
                        "currency": "cny",
                        "payment_intent": f"pi_{d.pk}",
                        "amount": d.amount_fen,
                        "amount_refunded": 50,
                        "metadata": {"donation_id": str(d.pk)},
                    }
                },
            }
        )
    deliveries = events + [rng.choice(events) for _ in range(1000 - len(events))]
    rng.shuffle(deliveries)
    payloads = [json.dumps(e).encode() for e in deliveries]
    chunks = [payloads[i::8] for i in range(8)]
    statuses = []

    def worker(chunk):
        client = Client()
        try:
            for body in chunk:
                r = client.post(
                    "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
                )
                statuses.append(r.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == 1000 and set(statuses) <= {200}
    refunded = len(events) - len(donations)
    assert Transfer.objects.filter(kind="donation").count() == 350
    assert Transfer.objects.filter(kind="refund").count() == refunded
    expected = sum(d.amount_fen for d in donations) - 50 * refunded
    assert fund_account(city.fund).normal_balance == expected
    assert ledger_verify()["ok"]
