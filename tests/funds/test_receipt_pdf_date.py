"""The receipt PDF is read in both languages whatever the page's: its date reads 2026年12月5日 5 Dec 2026,
not the ISO 2026-12-05 kept for exports and the API."""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from apps.funds.models import Donation
from apps.funds.pdf import receipt_pdf
from apps.funds.services import donation_book_payment

pytestmark = pytest.mark.django_db


def test_receipt_pdf_prints_the_payment_date_in_chinese_and_english(city):
    donation = Donation.objects.create(fund=city.fund, amount_fen=10_00, stripe_session_id="cs_pdf_date")
    with transaction.atomic():
        donation_book_payment(donation=donation, gross_fen=10_00)
    paid_at = timezone.make_aware(dt.datetime(2026, 12, 5, 10, 30))  # noqa: DTZ001 (made aware here)
    Donation.objects.filter(pk=donation.pk).update(paid_at=paid_at)
    donation.refresh_from_db()
    pdf = receipt_pdf(donation=donation, verify_url="https://example.org/receipts/x/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "2026年12月5日 5 Dec 2026" in text
    assert "2026-12-05" not in text
