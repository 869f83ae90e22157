from apps.funds.services import fund_income_record


def test_public_pages(city, client):
    fund_income_record(fund=city.fund, amount_fen=123450, source="银行转账", idempotency_key="k1", purpose="elderly")
    r = client.get("/funds/")
    assert r.status_code == 200 and city.fund.name in r.content.decode()
    page = client.get(f"/funds/{city.fund.pk}/").content.decode()
    assert "¥1,234.50" in page and "<svg" in page and "银行转账" in page
    csv_text = client.get(f"/funds/{city.fund.pk}/transfers.csv").content.decode()
    assert "income,in,1234.50" in csv_text
    assert client.get(f"/funds/{city.fund.pk}/donate/").status_code == 200
    assert client.get("/funds/99999/").status_code == 404
    assert client.get("/en/funds/").status_code == 200
