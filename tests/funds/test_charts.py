"""The fund books' charts (#20): drawn on the server as SVG, money in and money out both visible
(a ¥0.25 fee next to ¥48,000 of income still shows a bar), labelled in the page's language, with
a legend and the figures as a table for screen readers."""

import re

import pytest

from apps.funds.models import Donation
from apps.funds.services import donation_book_payment, donation_book_refund, fund_income_record

INCOME = "#1b6e3a"
EXPENSE = "#b3261e"


@pytest.fixture
def books(city):
    """¥48,000 of income, a ¥200 donation with a ¥0.25 fee, and ¥100 of it refunded."""
    fund_income_record(fund=city.fund, amount_fen=4_800_000, source="银行转账", idempotency_key="k-chart")
    donation = Donation.objects.create(fund=city.fund, amount_fen=20_000, donor_name="李四", anonymous=True)
    donation = donation_book_payment(donation=donation, gross_fen=20_000, fee_fen=25)
    donation_book_refund(donation=donation, refunded_total_fen=10_000, object_id="re_chart")
    return city.fund


def _category_chart(html: str) -> str:
    start = html.index('<figure class="chart">')
    return html[start : html.index("</figure>", start)]


def _bar_widths(chart: str, color: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect [^>]*width="([\d.]+)%"[^>]*fill="{color}"', chart)]


def test_category_chart_shows_income_and_expense_bars_in_chinese(books, client):
    html = client.get(f"/funds/{books.pk}/").content.decode()
    chart = _category_chart(html)
    assert "按类别收支" in chart and 'role="img"' in chart
    incomes, expenses = _bar_widths(chart, INCOME), _bar_widths(chart, EXPENSE)
    assert len(incomes) == 2 and len(expenses) == 2  # income and donation in; fee and refund out
    assert min(incomes + expenses) > 0
    assert max(incomes) > 10 * min(expenses)  # one scale: ¥48,000 is the long bar
    # the legend, and each bar says what it is in Chinese
    assert re.search(rf'class="chart-legend".*fill="{INCOME}".*资金收入.*fill="{EXPENSE}".*资金支出', chart, re.S)
    assert "<title>收入 · 资金收入: ¥48,000.00</title>" in chart
    assert "<title>支付手续费 · 资金支出: ¥0.25</title>" in chart
    assert "in 48000.00" not in html and "Money" not in chart


def test_the_table_alternative_has_every_amount(books, client):
    chart = _category_chart(client.get(f"/funds/{books.pk}/").content.decode())
    table = chart[chart.index('<details class="chart-table">') :]
    assert "<summary>" in table and "<caption" in table
    for amount in ("¥48,000.00", "¥200.00", "¥0.25", "¥100.00"):
        assert re.search(rf"<td[^>]*>{re.escape(amount)}</td>", table), amount
    assert re.search(r"<th[^>]*>支付手续费</th>", table)


def test_charts_read_in_english_on_en(books, client):
    html = client.get(f"/en/funds/{books.pk}/").content.decode()
    chart = _category_chart(html)
    assert "Income and spending by category" in chart and "Money in" in chart and "Money out" in chart
    assert "<title>Income · Money in: ¥48,000.00</title>" in chart
    assert "资金" not in chart and "收入" not in chart
    month = html[html.index("Income and spending by month") :]
    assert _bar_widths(month, INCOME) and _bar_widths(month, EXPENSE)
