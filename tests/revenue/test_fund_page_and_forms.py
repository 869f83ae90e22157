"""The fund's public page and API show what a community received from revenue share and from a
cooperative's distribution; the enterprise reports revenue through a web form with documents."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.cooperatives.services import (
    cooperative_create,
    distribution_approve,
    distribution_create,
    holder_add,
    profit_record,
)
from apps.ledger.selectors import ledger_verify
from apps.revenue.models import RevenueShareReport
from apps.revenue.services import revenue_report_approve, revenue_report_settle, revenue_report_submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def test_fund_page_and_api_show_the_revenue_share_settlement_and_the_welfare_transfer(
    api, client, city, agreement, enterprise_admin, fund_manager, make_user
):
    report = revenue_report_submit(
        actor=enterprise_admin,
        agreement=agreement,
        period_start=_day(-60),
        period_end=_day(-31),
        revenue=Decimal("12345.67"),
    )
    revenue_report_approve(actor=fund_manager, report=report)
    revenue_report_settle(actor=fund_manager, report=report)
    report.refresh_from_db()
    assert report.fund_amount == Decimal("3703.70")  # 30 % of 12,345.67, to the fen

    staff = make_user("community_staff", community=city.community)
    coop = cooperative_create(
        actor=staff,
        name="玉林合作社",
        community=city.community,
        registered_capital=1000,
        registered_on=dt.date(2015, 3, 1),
    )
    holder_add(actor=staff, cooperative=coop, name="社区", holder_type="community", shares=3, certificate_no="A1")
    year = timezone.localdate().year - 1
    statement = SimpleUploadedFile("年度财务报表.pdf", PDF, content_type="application/pdf")
    profit_record(actor=staff, cooperative=coop, fiscal_year=year, amount=Decimal("1000.00"), statement=statement)
    distribution = distribution_create(
        actor=staff,
        cooperative=coop,
        fiscal_year=year,
        distributable_profit=Decimal("1000.00"),
        prior_losses=Decimal("0.00"),
    )
    distribution = distribution_approve(actor=fund_manager, distribution=distribution)
    assert distribution.public_welfare == Decimal("90.00")  # 10 % of 1,000 − 10 % reserve

    body = api.get(f"/api/v1/funds/{city.fund.pk}/transfers/").json()
    rows = {(row["amount"], row["direction"]) for row in body["results"]}
    assert ("3703.70", "in") in rows
    assert ("90.00", "in") in rows
    memos = " ".join(row["memo"] for row in body["results"])
    assert "项目分成" in memos
    assert "年度分配" in memos
    detail = api.get(f"/api/v1/funds/{city.fund.pk}/").json()
    assert Decimal(detail["total_in"]) >= Decimal("3793.70")

    page = client.get(f"/en/funds/{city.fund.pk}/").content.decode()
    assert "3,703.70" in page or "3703.70" in page
    assert "项目分成" in page
    assert "年度分配" in page
    assert ledger_verify()["ok"]


def test_enterprise_reports_revenue_with_documents_through_the_web_form(
    client, agreement, enterprise_admin, make_user, city
):
    url = f"/en/revenue-shares/{agreement.pk}/reports/new/"
    client.force_login(enterprise_admin)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "data-confirm" in page
    outside = client.post(
        url, {"period_start": _day(-800).isoformat(), "period_end": _day(-770).isoformat(), "revenue": "10.00"}
    )
    assert outside.status_code == 400
    assert 'id="id_period_start-errors"' in outside.content.decode()
    bad_file = client.post(
        url,
        {
            "period_start": _day(-60).isoformat(),
            "period_end": _day(-31).isoformat(),
            "revenue": "10.00",
            "attachments": [SimpleUploadedFile("账单.pdf", b"MZ not a pdf")],
        },
    )
    assert bad_file.status_code == 400
    assert 'id="id_attachments-errors"' in bad_file.content.decode()
    assert not RevenueShareReport.objects.exists()
    done = client.post(
        url,
        {
            "period_start": _day(-60).isoformat(),
            "period_end": _day(-31).isoformat(),
            "revenue": "8000.00",
            "attachments": [SimpleUploadedFile("账单.pdf", PDF)],
        },
    )
    assert done.status_code == 302
    report = RevenueShareReport.objects.get()
    assert (report.revenue, report.status) == (Decimal("8000.00"), "submitted")
    attachment = report.attachments.get()
    # The community's staff see the fund's agreements (the fund manager's pages need a TOTP sign-in).
    client.force_login(make_user("community_staff", community=city.community))
    detail = client.get(f"/en/revenue-shares/{agreement.pk}/").content.decode()
    assert "账单.pdf" in detail
    download = client.get(f"/en/revenue-share-reports/{report.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_report_form_and_documents_are_404_for_others(client, agreement, enterprise_admin, make_user, city):
    report = revenue_report_submit(
        actor=enterprise_admin,
        agreement=agreement,
        period_start=_day(-60),
        period_end=_day(-31),
        revenue=Decimal("100.00"),
        attachments=[SimpleUploadedFile("账单.pdf", PDF)],
    )
    attachment = report.attachments.get()
    client.force_login(make_user("community_staff", community=city.community))
    assert client.get(f"/en/revenue-shares/{agreement.pk}/").status_code == 200
    assert client.get(f"/en/revenue-shares/{agreement.pk}/reports/new/").status_code == 404
    client.force_login(make_user())
    assert client.get(f"/en/revenue-share-reports/{report.pk}/attachments/{attachment.pk}/").status_code == 404
