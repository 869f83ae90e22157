"""Fund books in Chinese (#20): every amount as ¥ with thousands separators, transfers signed."""

import re

from apps.funds.services import fund_income_record


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
