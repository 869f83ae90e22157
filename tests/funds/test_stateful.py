"""Stateful property test: donations, duplicate/reordered webhooks, refunds, payouts and
reversals in any interleaving keep every ledger invariant (checked after each step).

Seeded and replayable (``derandomize``); raise HYPOTHESIS_EXAMPLES for a longer run."""

import itertools
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from apps.core.errors import StateConflict
from apps.funds.models import Donation, RefundHold, StripeEvent
from apps.funds.selectors import fund_account
from apps.funds.services import organization_account
from apps.funds.webhooks import NotYet, stripe_event_process
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import transfer_pending, transfer_post_pending, transfer_reverse

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "8"))


def make_machine(city, organization):
    ids = itertools.count(1)

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.fund = city.fund
            self.queue: list[dict] = []
            self.delivered: set[str] = set()
            self.refund_asked: dict[int, int] = {}
            self.payouts = 0

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        def _event(self, kind, obj):
            return {"id": f"evt_h{next(ids)}", "type": kind, "data": {"object": obj}}

        @rule(amount=st.integers(min_value=100, max_value=50_000), now=st.booleans())
        def donate(self, amount, now):
            d = Donation.objects.create(fund=self.fund, amount_fen=amount, stripe_session_id=f"cs_h{next(ids)}")
            evt = self._event(
                "checkout.session.completed",
                {
                    "id": d.stripe_session_id,
                    "object": "checkout.session",
                    "currency": "cny",
                    "payment_status": "paid",
                    "amount_total": amount,
                    "payment_intent": f"pi_{d.pk}",
                    "metadata": {"donation_id": str(d.pk)},
                },
            )
            if now:
                self._deliver(evt)
            else:
                self.queue.append(evt)

        def _deliver(self, evt):
            try:
                outcome = stripe_event_process(evt)
            except NotYet:
                return
            assert (outcome == "duplicate") == (evt["id"] in self.delivered)
            self.delivered.add(evt["id"])

        @precondition(lambda self: self.queue)
        @rule(data=st.data(), keep=st.booleans())
        def deliver_queued(self, data, keep):
            i = data.draw(st.integers(min_value=0, max_value=len(self.queue) - 1))
            evt = self.queue[i] if keep else self.queue.pop(i)  # keep: it will be delivered again
            self._deliver(evt)

        @rule(data=st.data(), percent=st.integers(min_value=1, max_value=100))
        def refund(self, data, percent):
            paid = list(Donation.objects.filter(receipt_no__isnull=False).order_by("pk"))
            if not paid:
                return
            d = data.draw(st.sampled_from(paid))
            total = min(d.amount_fen, self.refund_asked.get(d.pk, 0) + d.amount_fen * percent // 100)
            self.refund_asked[d.pk] = total
            self.queue.append(
                self._event(
                    "charge.refunded",
                    {
                        "id": f"ch_{d.pk}",
                        "object": "charge",
                        "currency": "cny",
                        "payment_intent": f"pi_{d.pk}",
                        "amount": d.amount_fen,
                        "amount_refunded": total,
                    },
                )
            )

        @rule(amount=st.integers(min_value=1, max_value=80_000), part=st.integers(min_value=1, max_value=100))
        def grant_and_pay(self, amount, part):
            n = next(ids)
            acc = fund_account(self.fund)
            org = organization_account(organization)
            if acc.available < amount:
                with pytest.raises(StateConflict):
                    transfer_pending(key=f"g{n}", kind="grant", legs=[(acc, amount), (org, -amount)])
                return
            p = transfer_pending(key=f"g{n}", kind="grant", legs=[(acc, amount), (org, -amount)])
            pay = max(1, amount * part // 100)
            transfer_post_pending(key=f"g{n}:pay", pending=p, amount=pay)
            self.payouts += pay

        @rule(data=st.data())
        def reverse(self, data):
            posted = list(Transfer.objects.filter(kind="donation").order_by("pk"))
            if not posted:
                return
            t = data.draw(st.sampled_from(posted))
            already = Transfer.objects.filter(reverses=t).exists()
            before = fund_account(self.fund).available
            try:
                transfer_reverse(key=f"rev{next(ids)}", transfer=t)
            except StateConflict:
                assert already or before < t.amount
            else:
                assert not already

        @invariant()
        def books_are_sound(self):
            report = ledger_verify()
            assert report["ok"], report["faults"][:3]
            acc = fund_account(self.fund)
            assert acc.normal_balance >= 0 and acc.available >= 0
            assert StripeEvent.objects.count() == len(self.delivered)
            paid = Donation.objects.filter(receipt_no__isnull=False)
            assert Transfer.objects.filter(kind="donation").count() == paid.count()
            for d in paid:
                held = sum(h.amount_fen for h in RefundHold.objects.filter(donation=d))
                assert d.refunded_fen + held <= self.refund_asked.get(d.pk, 0) or d.refunded_fen + held <= d.amount_fen

    return LedgerMachine


@pytest.mark.django_db
def test_ledger_state_machine(city, organization):
    machine = make_machine(city, organization)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=15,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
