"""A webhook storm for one monthly gift: 12 months of ``invoice.paid`` with duplicates (the same
event again, and the same invoice in another event), the subscription's checkout, shuffled.
Exactly 12 donations, 12 consecutive receipt numbers, and books that balance. PostgreSQL also
runs it from 6 threads at once."""

import json
import random
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from apps.funds.models import Donation
from apps.funds.selectors import fund_account
from apps.ledger.models import Leg, Transfer
from apps.ledger.selectors import ledger_verify
from tests.factories.funds import GivingScheduleFactory
from tests.funds.conftest import sign
from tests.funds.giving import invoice_paid, session_completed


def _storm(schedule, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    months = [invoice_paid(schedule, m, event_id=f"evt_in_{m}", subscription="sub_storm") for m in range(1, 13)]
    again = [invoice_paid(schedule, m, event_id=f"evt_in_{m}_again", subscription="sub_storm") for m in (1, 4, 7, 12)]
    linked = session_completed(schedule, subscription="sub_storm")
    events = [*months, *again, linked]
    deliveries = events + [rng.choice(events) for _ in range(30)]
    rng.shuffle(deliveries)
    return [json.dumps(e).encode() for e in deliveries]


def _post_all(bodies, statuses):
    client = Client()
    for body in bodies:
        r = client.post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
        )
        statuses.append(r.status_code)


def _assert_twelve_months(schedule):
    donations = list(Donation.objects.filter(schedule=schedule))
    assert len(donations) == 12
    assert {d.stripe_invoice_id for d in donations} == {f"in_sub_storm_{m}" for m in range(1, 13)}
    prefix = f"{schedule.fund.code}-{timezone.localdate().year}-"
    numbers = sorted(d.receipt_no for d in donations)
    assert all(n.startswith(prefix) for n in numbers)
    seqs = [int(n.removeprefix(prefix)) for n in numbers]
    assert seqs == list(range(seqs[0], seqs[0] + 12)) and seqs[0] == 1
    assert Transfer.objects.filter(kind="donation").count() == 12
    assert fund_account(schedule.fund).normal_balance == 12 * schedule.amount_fen
    assert Leg.objects.aggregate(total=Sum("amount"))["total"] == 0
    assert ledger_verify()["ok"]
    schedule.refresh_from_db()
    assert schedule.stripe_subscription_id == "sub_storm" and schedule.status == "active"


def test_monthly_storm_shuffled_in_sequence(city, stripe_settings):
    schedule = GivingScheduleFactory(fund=city.fund, amount_fen=88_00, stripe_subscription_id=None, status="pending")
    statuses = []
    _post_all(_storm(schedule, seed=23), statuses)
    assert set(statuses) == {200}
    _assert_twelve_months(schedule)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_monthly_storm_from_threads(city, stripe_settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    schedule = GivingScheduleFactory(fund=city.fund, amount_fen=88_00, stripe_subscription_id=None, status="pending")
    bodies = _storm(schedule, seed=2312)
    statuses = []

    def worker(chunk):
        try:
            _post_all(chunk, statuses)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(bodies[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == len(bodies) and set(statuses) == {200}
    _assert_twelve_months(schedule)
