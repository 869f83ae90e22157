"""Dates in page text (#20): marketplace/formats gives 2026年12月4日 (with time 2026年12月4日 14:30)
on zh pages and 4 Dec 2026 on en pages; templates print dates with |date and the named formats."""

import datetime as dt
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone, translation

from apps.funds.services import fund_income_record

TEMPLATE = Template(
    '{{ d|date }}|{{ t|date:"DATETIME_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"YEAR_MONTH_FORMAT" }}|{{ d }}'
)


def _render(language):
    day = dt.date(2026, 12, 4)
    moment = timezone.make_aware(dt.datetime(2026, 12, 4, 14, 30))
    with translation.override(language):
        return TEMPLATE.render(Context({"d": day, "t": moment}))


def test_dates_read_the_chinese_way_on_zh_pages():
    assert _render("zh-hans") == "2026年12月4日|2026年12月4日 14:30|2026年12月4日|2026年12月|2026年12月4日"


def test_dates_read_the_english_way_on_en_pages():
    assert _render("en") == "4 Dec 2026|4 Dec 2026 14:30|4 Dec 2026|Dec 2026|4 Dec 2026"


def test_no_template_prints_an_iso_date_as_page_text():
    """Y-m-d stays only where machines read it: input values, <time datetime>, URLs."""
    offenders = []
    for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if '|date:"Y-m' in line:
                offenders.append(f"{path.name}:{number}")
    assert not offenders, offenders


def test_the_books_month_chart_names_months_in_the_page_language(city, client):
    fund_income_record(fund=city.fund, amount_fen=5000, source="银行转账", idempotency_key="m1", purpose="elderly")
    today = timezone.localdate()
    zh = client.get(f"/funds/{city.fund.pk}/").content.decode()
    en = client.get(f"/en/funds/{city.fund.pk}/").content.decode()
    assert f">{today.year}年{today.month}月<" in zh and f">{today:%b} {today.year}<" in en
    assert f"{today:%Y-%m}" not in zh + en, "no ISO month left on the books page"
