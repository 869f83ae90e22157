"""Writes for quarterly fund reports: build a quarter's report once, mail it to the quarter's
donors once each (through the outbox), and remember an address that unsubscribed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.money import format_yuan
from apps.fundreports.models import FundReport, ReportUnsubscribe
from apps.fundreports.selectors import (
    last_ended_quarter,
    quarter_bounds,
    report_figures,
    report_path,
    report_recipients,
    unsubscribe_token,
)
from apps.funds.models import Fund
from apps.notifications.services import outbox_mail


def fund_report_build(*, fund: Fund, year: int, quarter: int) -> FundReport:
    """The fund's report for the quarter, built from the books the first time and kept after."""
    existing = FundReport.objects.filter(fund=fund, year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FundReport.objects.create(
                fund=fund, year=year, quarter=quarter, figures=report_figures(fund, year, quarter)
            )
    except IntegrityError:  # built by a concurrent run
        return FundReport.objects.get(fund=fund, year=year, quarter=quarter)


def fund_report_mail(*, report: FundReport) -> int:
    """Queue the report's mail to each of the quarter's donors with an address (outbox key
    ``fundreport:<id>:<email>``, so a second run adds nothing). Returns how many were queued."""
    fund = report.fund
    queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(fund)s: report for %(year)d Q%(quarter)d") % {
            "fund": fund.name,
            "year": report.year,
            "quarter": report.quarter,
        }
        for email in report_recipients(report):
            unsubscribe = settings.SITE_BASE_URL + reverse(
                "fundreport-unsubscribe", args=[fund.pk, unsubscribe_token(fund, email)]
            )
            body = render_to_string(
                "fundreports/report_email.txt",
                {
                    "fund": fund,
                    "report": report,
                    "total_in": format_yuan(report.figures.get("total_in", 0)),
                    "total_out": format_yuan(report.figures.get("total_out", 0)),
                    "hours": report.figures.get("total_hours", "0"),
                    "milestones": len(report.figures.get("milestones", [])),
                    "url": settings.SITE_BASE_URL + report_path(report),
                    "unsubscribe": unsubscribe,
                },
            )
            outbox_mail(
                to=email,
                subject=subject,
                body=body,
                key=f"fundreport:{report.pk}:{email}",
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            queued += 1
    if report.mailed_at is None:
        report.mailed_at = timezone.now()
        report.save(update_fields=["mailed_at"])
    return queued


def fund_reports_publish_due(*, now: dt.datetime | None = None) -> int:
    """Build and mail each fund's report for the quarter that ended last (funds opened after it
    have none). Idempotent: a report is built once and each donor is mailed once."""
    year, quarter = last_ended_quarter(now)
    _start, end = quarter_bounds(year, quarter)
    built = 0
    for fund in Fund.objects.filter(created_at__lt=end).order_by("pk"):
        report = fund_report_build(fund=fund, year=year, quarter=quarter)
        if report.mailed_at is None:
            fund_report_mail(report=report)
            built += 1
    return built


def report_unsubscribe(*, fund: Fund, email: str) -> ReportUnsubscribe:
    """Stop the fund's quarterly reports to ``email`` (asking twice changes nothing)."""
    row, _created = ReportUnsubscribe.objects.get_or_create(fund=fund, email=email.strip().lower())
    return row
