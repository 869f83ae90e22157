"""Concurrent pays of one approved claim: exactly one ledger transfer (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from apps.core.errors import StateConflict
from apps.expenses.models import Expense
from apps.expenses.services import expense_approve, expense_pay, expense_submit
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from tests.factories.expenses import receipt_png


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_pays_book_one_transfer(scene, spent_on):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: real row locks with concurrent connections")
    expense = expense_submit(
        actor=scene.org_admin,
        project=scene.project,
        line=scene.line(0),
        amount=Decimal("1234.56"),
        spent_on=spent_on,
        payee="成都玉林文具店",
        receipts=[receipt_png()],
    )
    expense_approve(actor=scene.staff, expense=expense)
    payers = [scene.manager, scene.manager2] * 3
    barrier = threading.Barrier(len(payers))
    paid, refused, errors = [], [], []

    def pay(user):
        try:
            barrier.wait()
            paid.append(expense_pay(actor=user, expense=expense))
        except StateConflict as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(user,)) for user in payers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(paid) == 1 and len(refused) == len(payers) - 1
    assert Transfer.objects.filter(key=f"expense:{expense.pk}:payout").count() == 1
    assert Transfer.objects.filter(key__startswith="expense:").get().amount == 123456
    assert Expense.objects.get().status == Expense.Status.PAID
    assert ledger_verify()["ok"]
