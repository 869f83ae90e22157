"""Fund books in Chinese (#20): every amount as ¥ with thousands separators, transfers signed."""

import re

from django.db import transaction
from django.utils import timezone

from apps.funds.models import Donation
from apps.funds.services import donation_book_payment, fund_income_record


def test_fund_books_in_chinese_show_yuan_with_thousands_separators(city, client):
    fund_income_record(
        fund=city.fund, amount_fen=4_800_000, source="银行转账", idempotency_key="k20", purpose="elderly"
    )
    page = client.get(f"/funds/{city.fund.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<dd>¥48,000.00</dd>" in html  # balance and total in
    assert "+¥48,000.00</td>" in html  # the transfer itself
    assert re.search(r"<td[^>]*>¥48,000.00</td><td[^>]*>¥0.00</td>", html)  # the month and category tables


def test_receipt_page_writes_the_date_in_the_readers_language_and_the_api_keeps_iso(city, client):
    pending = Donation.objects.create(fund=city.fund, amount_fen=200_000_00, stripe_session_id="cs_receipt_date")
    with transaction.atomic():
        donation = donation_book_payment(donation=pending, gross_fen=pending.amount_fen)
    paid = timezone.localtime(donation.paid_at).date()
    url = f"/receipts/{donation.receipt_no}/"
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"<dd>{paid.year}年{paid.month}月{paid.day}日</dd>" in zh
    assert "<dd>¥200,000.00</dd>" in zh
    assert paid.isoformat() not in zh
    en = client.get(f"/en{url}").content.decode()
    assert f"<dd>{paid.day} {paid:%b} {paid.year}</dd>" in en
    api = client.get(f"/api/v1/donations/{donation.receipt_no}/verify/").json()
    assert api["date"] == paid.isoformat()
