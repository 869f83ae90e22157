"""Quarterly fund reports: figures from the ledger and the projects, built once per quarter,
published on the fund's page and as a PDF, mailed once to the quarter's donors, with a one-click
unsubscribe that the next quarter honours."""

import datetime as dt
import io
import re
from decimal import Decimal

from django.core import mail
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from apps.core.jobs import run_due_jobs
from apps.expenses.models import BudgetLine, Expense
from apps.fundreports.models import FundReport, ReportUnsubscribe
from apps.fundreports.selectors import quarter_bounds, quarter_of
from apps.fundreports.services import fund_report_build, fund_reports_publish_due
from apps.funds.payouts import project_reservation
from apps.funds.selectors import MOVING, fund_account_ids
from apps.ledger.models import Leg
from apps.ledger.services import transfer_post_pending
from apps.notifications.models import OutboxMessage


def _this_quarter():
    return quarter_of(timezone.now())


def _next_quarter_start():
    return quarter_bounds(*_this_quarter())[1] + dt.timedelta(hours=1)


def test_figures_match_the_ledger(books):
    fund, project = books
    report = fund_report_build(fund=fund, year=_this_quarter()[0], quarter=_this_quarter()[1])
    start, end = quarter_bounds(*_this_quarter())
    legs = Leg.objects.filter(
        account_id__in=fund_account_ids(fund),
        transfer__phase__in=MOVING,
        transfer__created_at__gte=start,
        transfer__created_at__lt=end,
    )
    into = -(legs.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or 0)
    out = legs.filter(amount__gt=0).aggregate(s=Sum("amount"))["s"] or 0
    f = report.figures
    assert f["total_in"] == into == 200_000 + 10_000 + 20_000 + 5_000 + 3_000
    assert f["total_out"] == out == 60_000
    assert sum(r["amount"] for r in f["money_in"]) == into
    assert sum(r["amount"] for r in f["money_out"]) == out
    assert {"kind": "income", "source": "成都银行转账", "amount": 200_000} in f["money_in"]
    (payout,) = f["money_out"]
    assert payout["project_id"] == project.pk and payout["line"] == "milestone 0" and payout["amount"] == 60_000
    assert [m["title"] for m in f["milestones"]] == ["milestone 0"]
    assert f["total_hours"] == "6.00"
    assert f["digest"]["date"] == timezone.localdate().isoformat()
    assert f["donations"] == 4


def test_page_and_pdf_show_the_figures(books, client):
    fund, project = books
    year, quarter = _this_quarter()
    fund_report_build(fund=fund, year=year, quarter=quarter)
    page = client.get(f"/funds/{fund.pk}/reports/{year}-Q{quarter}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "¥2,380.00" in html and "¥600.00" in html and project.title in html
    assert "成都银行转账" in html and "milestone 0" in html
    listing = client.get(f"/funds/{fund.pk}/reports/").content.decode()
    assert f"/funds/{fund.pk}/reports/{year}-Q{quarter}/" in listing
    assert f"/funds/{fund.pk}/reports/" in client.get(f"/funds/{fund.pk}/").content.decode()
    assert client.get(f"/funds/{fund.pk}/reports/{year - 5}-Q1/").status_code == 404

    r = client.get(f"/funds/{fund.pk}/reports/{year}-Q{quarter}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "季度报告" in text and "2,380.00" in text and "玉林东路社区" in text


def test_job_is_idempotent_one_report_one_mail_per_donor(books, django_capture_on_commit_callbacks):
    fund, _project = books
    later = _next_quarter_start()
    with django_capture_on_commit_callbacks(execute=True):
        fund_reports_publish_due(now=later)
        fund_reports_publish_due(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        fund_reports_publish_due(now=later)
    assert FundReport.objects.filter(fund=fund).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    report = FundReport.objects.get(fund=fund)
    assert OutboxMessage.objects.filter(key__startswith=f"fundreport:{report.pk}:").count() == 2
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/funds/{fund.pk}/reports/{report.year}-Q{report.quarter}/" in message.body


def test_job_is_registered():
    assert "fundreports_quarterly" in run_due_jobs(only=["fundreports_quarterly"])


def test_unsubscribe_is_one_click_and_honoured_next_quarter(books, client, django_capture_on_commit_callbacks):
    fund, _project = books
    with django_capture_on_commit_callbacks(execute=True):
        fund_reports_publish_due(now=_next_quarter_start())
    to_b = next(m for m in mail.outbox if m.to == ["b@example.org"])
    link = re.search(r"http\S+/reports/unsubscribe/\S+/", to_b.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # GET (a mail scanner following links) only asks
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert not ReportUnsubscribe.objects.exists()
    # RFC 8058 one-click: a POST without a session or CSRF cookie
    r = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    assert list(ReportUnsubscribe.objects.values_list("email", flat=True)) == ["b@example.org"]
    # a tampered link does nothing
    assert client.post(f"/{path[:-3]}xx/").status_code == 404

    # Next quarter b gives again: the report goes to a only.
    year, quarter = _this_quarter()
    report = fund_report_build(fund=fund, year=year, quarter=quarter)
    FundReport.objects.filter(pk=report.pk).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_reports_publish_due(now=_next_quarter_start())
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org"]


def test_expense_payouts_show_under_their_budget_line(books, make_user):
    """An expense paid from the project's grant (ledger key ``expense:<id>:payout``, as
    apps.expenses books it) is shown under its project and budget line."""
    fund, project = books
    line = BudgetLine.objects.create(project=project, title="活动物资", amount=Decimal("300.00"))
    expense = Expense.objects.create(
        project=project,
        line=line,
        amount=Decimal("120.00"),
        spent_on=timezone.localdate(),
        payee="玉林文具店",
        submitted_by=make_user(),
        status=Expense.Status.PAID,
    )
    transfer_post_pending(
        key=f"expense:{expense.pk}:payout",
        pending=project_reservation(project),
        amount=12_000,
        kind="grant_payout",
        memo="活动物资",
        reference=f"project:{project.pk}",
    )
    year, quarter = _this_quarter()
    f = fund_report_build(fund=fund, year=year, quarter=quarter).figures
    lines = {(r["project_id"], r["line"]): r["amount"] for r in f["money_out"]}
    assert lines == {(project.pk, "milestone 0"): 60_000, (project.pk, "活动物资"): 12_000}
    assert f["total_out"] == 72_000
