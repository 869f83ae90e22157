"""Approving a revenue report and recording the fund's share as received confirm with the amount
(#20): the confirm page shows the split, what is booked, from whom to which fund, and books
nothing; the POST books once and says what was booked and the ledger transfer (流水 #N)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.ledger.models import Transfer
from apps.revenue.models import RevenueShareReport
from apps.revenue.services import revenue_report_approve, revenue_report_submit
from tests.money_confirm import confirm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_enrolment(settings):
    settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern


@pytest.fixture
def report(agreement, enterprise_admin):
    today = timezone.localdate()
    return revenue_report_submit(
        actor=enterprise_admin,
        agreement=agreement,
        period_start=today - dt.timedelta(days=40),
        period_end=today - dt.timedelta(days=10),
        revenue=Decimal("12345.60"),
    )


def _message(body: str) -> str:
    return body.split('class="messages"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["批准收入报告", "¥3,703.68", "¥8,641.92", "¥12,345.60", "应付的项目分成", "取消，不记账"]),
        ("/en", ["Approve a revenue report", "¥3,703.68", "¥8,641.92", "¥12,345.60", "revenue share it owes"]),
    ],
)
def test_approving_shows_the_split_and_books_nothing(client, city, enterprise, fund_manager, report, prefix, words):
    client.force_login(fund_manager)
    url = f"{prefix}/revenue-share-reports/{report.pk}/approve/"
    assert f'href="{url}"' in client.get(f"{prefix}/revenue-shares/{report.agreement_id}/").content.decode()

    body = client.get(url).content.decode()

    for word in [*words, enterprise.name, city.fund.name]:
        assert word in body
    assert RevenueShareReport.objects.get(pk=report.pk).status == "submitted"
    assert not Transfer.objects.filter(reference=f"revenue-report:{report.pk}").exists()


@pytest.mark.parametrize(("prefix", "said"), [("", "已记为 {fund} 的应收款"), ("/en", "booked as owed to {fund}")])
def test_approving_books_once_and_says_what(client, city, fund_manager, report, prefix, said):
    client.force_login(fund_manager)
    url = f"{prefix}/revenue-share-reports/{report.pk}/approve/"

    message = _message(confirm(client, url, follow=True).content.decode())

    transfer = Transfer.objects.get(reference=f"revenue-report:{report.pk}")
    assert RevenueShareReport.objects.get(pk=report.pk).status == "approved"
    assert "¥3,703.68" in message and said.format(fund=city.fund.name) in message
    assert f"#{transfer.pk}" in message
    client.post(url)
    assert Transfer.objects.filter(reference=f"revenue-report:{report.pk}").count() == 1
    # the public ledger's memo is Chinese whichever language the manager's page was in
    assert (
        transfer.memo == f"{report.agreement.organization} 项目分成 {_zh(report.period_start)}–{_zh(report.period_end)}"
    )


def _zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_confirm_page_writes_the_period_in_the_readers_language(client, fund_manager, report):
    client.force_login(fund_manager)
    start, end = report.period_start, report.period_end
    url = f"/revenue-share-reports/{report.pk}/approve/"

    zh = client.get(url).content.decode()
    en = client.get(f"/en{url}").content.decode()

    assert f"的项目分成，{_zh(start)} – {_zh(end)}" in zh
    assert f"{start.day} {start:%b} {start.year} – {end.day} {end:%b} {end.year}" in en
    assert start.isoformat() not in zh and start.isoformat() not in en


@pytest.mark.parametrize(
    ("prefix", "words"), [("", ["非限定资金", "已到账"]), ("/en", ["unrestricted money", "Money received"])]
)
def test_money_received_confirms_then_books_into_the_fund_once(client, city, fund_manager, report, prefix, words):
    revenue_report_approve(actor=fund_manager, report=report)
    client.force_login(fund_manager)
    url = f"{prefix}/revenue-share-reports/{report.pk}/settle/"
    assert f'href="{url}"' in client.get(f"{prefix}/revenue-shares/{report.agreement_id}/").content.decode()

    page = client.get(url).content.decode()

    for word in [*words, "¥3,703.68", city.fund.name]:
        assert word in page
    assert not Transfer.objects.filter(kind="revenue_share").exists()
    message = _message(confirm(client, url, follow=True).content.decode())
    transfer = Transfer.objects.get(kind="revenue_share")
    assert "¥3,703.68" in message and f"/funds/{city.fund.pk}/#transfer-{transfer.pk}" in message
    client.post(url)
    assert Transfer.objects.filter(kind="revenue_share").count() == 1


def test_only_the_funds_manager_sees_the_confirm_pages(client, enterprise_admin, report):
    client.force_login(enterprise_admin)
    assert client.get(f"/en/revenue-share-reports/{report.pk}/approve/").status_code == 404
    assert client.get(f"/en/revenue-share-reports/{report.pk}/settle/").status_code == 404
