"""The oversight page's charts (#20): one bar per area instead of a treemap that drew a single red
block; money in and out both visible on one scale, in the page's language, with a legend and the
figures as a table; readable on a 390 px phone (labels above the bars, lengths in percent)."""

import re

import pytest
from django.utils import timezone

from apps.funds.models import Donation
from apps.funds.services import donation_book_payment, fund_income_record
from apps.stats.services import rollup_rebuild

INCOME = "#1b6e3a"
EXPENSE = "#b3261e"


@pytest.fixture
def money(city):
    """玉林东路社区's fund: ¥48,000 in and a ¥0.25 fee out; 望江楼社区's: ¥1,000 in."""
    fund_income_record(fund=city.fund, amount_fen=4_800_000, source="银行转账", idempotency_key="k-yulin")
    fund_income_record(fund=city.other_fund, amount_fen=100_000, source="银行转账", idempotency_key="k-wangjiang")
    donation = Donation.objects.create(fund=city.fund, amount_fen=20_000, donor_name="李四", anonymous=True)
    donation_book_payment(donation=donation, gross_fen=20_000, fee_fen=25)
    today = timezone.localdate()
    rollup_rebuild(date_from=today, date_to=today)
    return city


def _chart(html: str, title: str) -> str:
    """The <figure> of the chart captioned ``title``."""
    caption = html.index(f"<figcaption>{title}</figcaption>")
    start = html.rindex('<figure class="chart">', 0, caption)
    return html[start : html.index("</figure>", caption)]


def _widths(chart: str, color: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect [^>]*width="([\d.]+)%"[^>]*fill="{color}"', chart)]


def _period():
    today = timezone.localdate()
    return f"from={today}&to={today}"


def test_officer_dashboard_draws_money_in_and_out_per_street_in_chinese(money, client, make_user):
    client.force_login(make_user("district_officer", region=money.district))
    html = client.get(f"/oversight/?{_period()}").content.decode()
    assert "treemap" not in html and "Map by" not in html
    chart = _chart(html, "资金收入与支出")
    assert 'class="chart-bars" role="img"' in chart and 'class="chart-legend"' in chart
    incomes, expenses = _widths(chart, INCOME), _widths(chart, EXPENSE)
    assert len(incomes) == 2 and len(expenses) == 1 and min(incomes + expenses) > 0
    assert "<title>玉林街道 · 资金收入: ¥48,200.00</title>" in chart
    assert "<title>玉林街道 · 资金支出: ¥0.25</title>" in chart
    assert "<title>望江路街道 · 资金收入: ¥1,000.00</title>" in chart
    table = chart[chart.index('<details class="chart-table">') :]
    for amount in ("¥48,200.00", "¥0.25", "¥1,000.00"):
        assert re.search(rf"<td[^>]*>{re.escape(amount)}</td>", table), amount
    assert re.search(r"<th[^>]*>望江路街道</th>", table)


def test_public_page_draws_one_bar_per_district_in_english_on_en(money, client):
    html = client.get(f"/en/oversight/public/?{_period()}").content.decode()
    chart = _chart(html, "Money in and out")
    assert "<title>武侯区 · Money in: ¥49,200.00</title>" in chart
    assert "<title>武侯区 · Money out: ¥0.25</title>" in chart
    assert _widths(chart, INCOME) and _widths(chart, EXPENSE)
    assert "Money in" in chart[: chart.index("<svg class")]  # the legend
    assert "资金" not in html
    needs = _chart(html, "Needs published and awarded")
    assert "<title>武侯区 · Needs published: 0</title>" in needs


def test_public_page_in_chinese_shows_the_chart_and_its_table(money, client):
    html = client.get(f"/oversight/public/?{_period()}").content.decode()
    chart = _chart(html, "资金收入与支出")
    assert "<title>武侯区 · 资金收入: ¥49,200.00</title>" in chart
    assert "<summary>以表格查看数据</summary>" in chart
    assert re.search(r"<td[^>]*>¥49,200.00</td>", chart)
    assert "Money" not in html
