"""Issue #20: a Chinese page shows the ledger's transfer kinds by name, never by code."""

import re

from apps.funds.services import fund_income_record


def test_fund_books_page_names_transfer_kinds_in_chinese(city, client):
    fund_income_record(fund=city.fund, amount_fen=5000, source="银行转账", idempotency_key="k-20", purpose="elderly")
    page = client.get(f"/funds/{city.fund.pk}/").content.decode()
    # a cell may carry its column's name for the phone cards (data-label)
    assert re.search(r"<td(?: data-label=\"[^\"]*\")?>收入</td>", page)
    assert ">income<" not in page and "income" not in page.split("<main", 1)[-1]


def test_fund_books_page_names_restricted_purposes_by_category_name(city, client):
    fund_income_record(fund=city.fund, amount_fen=5000, source="银行转账", idempotency_key="k-20b", purpose="elderly")
    page = client.get(f"/funds/{city.fund.pk}/").content.decode()
    assert "<li>为老服务:" in page and "<li>elderly:" not in page
