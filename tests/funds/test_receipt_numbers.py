"""Receipt numbers run per fund and year without gaps: ``<fund code>-<year>-<seq>`` (#23). The
numbers given by the earlier counters per host foundation stay as they are and are never reused."""

import io
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from pypdf import PdfReader

from apps.funds.models import Donation, ReceiptCounter
from apps.funds.services import donation_book_payment, donation_book_refund


def _paid(fund, n, amount=10_00):
    d = Donation.objects.create(fund=fund, amount_fen=amount, stripe_session_id=f"cs_rn_{fund.pk}_{n}")
    with transaction.atomic():
        return donation_book_payment(donation=d, gross_fen=amount)


def test_numbers_run_per_fund_and_year(city):
    year = timezone.localdate().year
    legacy = Donation.objects.create(fund=city.fund, amount_fen=5_00, receipt_no=f"RA880-{year}-000007", status="paid")
    ReceiptCounter.objects.create(host=city.fund.host_name, year=year, last=7)
    got = [_paid(city.fund, 1), _paid(city.other_fund, 1), _paid(city.fund, 2), _paid(city.fund, 3)]
    assert [d.receipt_no for d in got] == [
        f"{city.fund.code}-{year}-000001",
        f"{city.other_fund.code}-{year}-000001",
        f"{city.fund.code}-{year}-000002",
        f"{city.fund.code}-{year}-000003",
    ]
    legacy.refresh_from_db()
    assert legacy.receipt_no == f"RA880-{year}-000007"
    assert ReceiptCounter.objects.get(fund=None).last == 7  # the old counter gives no new numbers


def test_a_refunded_donation_keeps_its_number_and_the_next_one_is_new(city, client):
    first = _paid(city.fund, 1)
    with transaction.atomic():
        donation_book_refund(donation=first, refunded_total_fen=first.amount_fen, object_id="ch_rn_1")
    second = _paid(city.fund, 2)
    first.refresh_from_db()
    assert first.status == "refunded" and first.receipt_no.endswith("-000001")
    assert second.receipt_no.endswith("-000002")
    page = client.get(f"/receipts/{first.receipt_no}/").content.decode()
    assert first.receipt_no in page and "已退款" in page
    pdf = client.get(f"/receipts/{first.receipt_no}/pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert first.receipt_no in text and "Refunded" in text


def test_a_booking_that_rolls_back_gives_its_number_back(city):
    d = Donation.objects.create(fund=city.fund, amount_fen=10_00)
    with pytest.raises(RuntimeError), transaction.atomic():
        donation_book_payment(donation=d, gross_fen=10_00)
        raise RuntimeError("the webhook's transaction failed")
    d.refresh_from_db()
    assert d.receipt_no is None
    assert _paid(city.fund, 2).receipt_no.endswith("-000001")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_get_consecutive_numbers(city):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    donations = [Donation.objects.create(fund=city.fund, amount_fen=10_00 + i) for i in range(40)]
    errors = []

    def worker(chunk):
        try:
            for d in chunk:
                with transaction.atomic():
                    donation_book_payment(donation=d, gross_fen=d.amount_fen)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(donations[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    prefix = f"{city.fund.code}-{timezone.localdate().year}-"
    numbers = sorted(Donation.objects.values_list("receipt_no", flat=True))
    assert numbers == [f"{prefix}{n:06d}" for n in range(1, 41)]
