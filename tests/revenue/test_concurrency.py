import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from apps.core.errors import StateConflict
from apps.ledger.models import Transfer
from apps.revenue import booking
from apps.revenue.models import RevenueShareReport
from apps.revenue.services import revenue_report_approve, revenue_report_submit


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_approval_books_once(agreement, enterprise_admin, fund_manager, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    today = timezone.localdate()
    report = revenue_report_submit(
        actor=enterprise_admin,
        agreement=agreement,
        period_start=today - dt.timedelta(days=60),
        period_end=today - dt.timedelta(days=31),
        revenue=Decimal("5000.00"),
    )

    bookings = []
    real_book = booking.book_revenue_receivable

    def counting_book(*, report):
        bookings.append(report.pk)
        return real_book(report=report)

    monkeypatch.setattr(booking, "book_revenue_receivable", counting_book)
    barrier = threading.Barrier(4)
    outcomes = []

    def approve():
        try:
            barrier.wait()
            revenue_report_approve(actor=fund_manager, report=RevenueShareReport.objects.get(pk=report.pk))
            outcomes.append("ok")
        except StateConflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert bookings == [report.pk]
    assert Transfer.objects.filter(reference=f"revenue-report:{report.pk}").count() == 1
    report.refresh_from_db()
    assert report.fund_amount + report.organization_amount == Decimal("5000.00")
