"""Every paid donation with an email gets its receipt by mail (#23): in Chinese, with the amount,
fund, date, receipt number, verification link and QR code, the PDF attached; sent through the
outbox (Django's locmem backend after the relay runs), once per receipt."""

import json
import re

from django.core import mail

from apps.funds.models import Donation
from apps.notifications.models import OutboxMessage
from apps.notifications.outbox import outbox_relay
from tests.factories.funds import GivingScheduleFactory
from tests.funds.conftest import event, post_event
from tests.funds.giving import invoice_paid


def _paid_session(donation):
    return event(
        "checkout.session.completed",
        {
            "id": donation.stripe_session_id,
            "payment_status": "paid",
            "amount_total": donation.amount_fen,
            "payment_intent": f"pi_{donation.pk}",
            "metadata": {"donation_id": str(donation.pk)},
        },
    )


def test_paid_donation_mails_its_receipt_in_chinese_with_the_pdf(city, client, stripe_settings):
    donation = Donation.objects.create(
        fund=city.fund, amount_fen=123_45, email="zhang@example.org", donor_name="张三", stripe_session_id="cs_mail"
    )
    evt = _paid_session(donation)
    assert post_event(client, evt).status_code == 200
    assert post_event(client, {**evt, "id": "evt_again"}).status_code == 200  # booked again: no second mail
    donation.refresh_from_db()
    assert OutboxMessage.objects.filter(key=f"receipt:{donation.receipt_no}").count() == 1
    mail.outbox.clear()
    outbox_relay()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang@example.org"]
    assert donation.receipt_no in message.subject and "捐赠收据" in message.subject
    body = message.body
    verify_url = f"http://127.0.0.1:8000/receipts/{donation.receipt_no}/".replace(
        "http://127.0.0.1:8000", stripe_settings.SITE_BASE_URL.rstrip("/")
    )
    for expected in ("张三", "收据编号", donation.receipt_no, "¥123.45", city.fund.name, "日期", verify_url, "二维码"):
        assert expected in body, expected
    assert not re.search(r"\b(Receipt|Amount|Fund|Thank)\b", body)  # the whole mail is in Chinese
    names = {a[0]: a for a in message.attachments}
    pdf = names[f"receipt-{donation.receipt_no}.pdf"]
    assert pdf[1][:5] == b"%PDF-" and pdf[2] == "application/pdf"
    qr = names[f"receipt-{donation.receipt_no}-qr.png"]
    assert qr[1][:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(verify_url.removeprefix(stripe_settings.SITE_BASE_URL.rstrip("/"))).status_code == 200
    outbox_relay()
    assert len(mail.outbox) == 1  # never sent twice


def test_no_email_no_mail(city, client, stripe_settings):
    donation = Donation.objects.create(fund=city.fund, amount_fen=10_00, stripe_session_id="cs_nomail")
    post_event(client, _paid_session(donation))
    donation.refresh_from_db()
    assert donation.receipt_no and not OutboxMessage.objects.exists()


def test_each_month_mails_its_own_receipt_with_the_link_to_the_monthly_gift(city, client, stripe_settings):
    schedule = GivingScheduleFactory(fund=city.fund, amount_fen=30_00, email="li@example.org")
    for month in (1, 2):
        post_event(client, invoice_paid(schedule, month))
        post_event(client, invoice_paid(schedule, month))
    mail.outbox.clear()
    outbox_relay()
    assert len(mail.outbox) == 2
    numbers = set(Donation.objects.values_list("receipt_no", flat=True))
    assert {next(n for n in numbers if n in m.subject) for m in mail.outbox} == numbers
    link = re.search(r"https?://\S+/giving/\S+/", mail.outbox[0].body).group(0)
    page = client.get(re.sub(r"^https?://[^/]+", "", link))
    assert page.status_code == 200 and "每月" in page.content.decode()
    assert json.dumps(sorted(numbers))  # two distinct receipt numbers
    assert len(numbers) == 2
