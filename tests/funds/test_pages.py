import io

import segno
from PIL import Image
from pypdf import PdfReader

from apps.funds.services import fund_income_record
from tests.funds.test_api import _paid_donation


def test_public_pages(city, client):
    fund_income_record(fund=city.fund, amount_fen=123450, source="银行转账", idempotency_key="k1", purpose="elderly")
    r = client.get("/funds/")
    assert r.status_code == 200 and city.fund.name in r.content.decode()
    page = client.get(f"/funds/{city.fund.pk}/").content.decode()
    assert "¥1,234.50" in page and "<svg" in page and "银行转账" in page
    csv_text = client.get(f"/funds/{city.fund.pk}/transfers.csv?headers=codes").content.decode()
    assert "income,in,1234.50" in csv_text
    assert client.get(f"/funds/{city.fund.pk}/donate/").status_code == 200
    assert client.get("/funds/99999/").status_code == 404
    assert client.get("/en/funds/").status_code == 200


def test_receipt_pdf_linked_from_the_receipt_page_with_a_qr_code_to_it(city, client, stripe_settings):
    d = _paid_donation(city, client, amount=12345, name="张三", anonymous=False, purpose="elderly")
    page = client.get(f"/receipts/{d.receipt_no}/").content.decode()
    pdf_url = f"/receipts/{d.receipt_no}/pdf/"
    assert f'href="{pdf_url}"' in page and "张三" in page and "为老服务" in page
    r = client.get(pdf_url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    verify_url = f"http://testserver/receipts/{d.receipt_no}/"
    for expected in (d.receipt_no, "¥123.45", city.fund.name, "张三", "为老服务", city.fund.host_name, verify_url):
        assert expected in text, expected
    # the QR code in the PDF is the one for the receipt page's address, pixel for pixel
    (image,) = reader.pages[0].images
    buffer = io.BytesIO()
    segno.make(verify_url, error="m").save(buffer, kind="png", scale=4, border=2)
    expected_img = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    got = image.image.convert("L")
    assert got.size == expected_img.size and got.tobytes() == expected_img.tobytes()
    assert client.get("/receipts/NOPE-1/pdf/").status_code == 404


def test_transfers_csv_headers_follow_the_language_and_times_carry_the_offset(city, client):
    fund_income_record(fund=city.fund, amount_fen=5000, source="银行转账", idempotency_key="k-h5", purpose="elderly")
    chinese = client.get(f"/funds/{city.fund.pk}/transfers.csv").content.decode("utf-8-sig").splitlines()
    assert chinese[0].startswith("编号,时间,")
    assert ",收入," in chinese[1] or ",支出," in chinese[1]
    english = client.get(f"/en/funds/{city.fund.pk}/transfers.csv").content.decode("utf-8-sig").splitlines()
    assert english[0] == (
        "ID,time,kind,direction,amount (yuan),memo,donor,ledger hash,income or expense code,fund account code"
    )
    codes = client.get(f"/funds/{city.fund.pk}/transfers.csv?headers=codes").content.decode("utf-8-sig").splitlines()
    assert codes[0] == "id,created_at,kind,direction,amount,memo,donor_display,hash,kind_code,account_code"
    assert codes[1].split(",")[1].endswith("+08:00")
