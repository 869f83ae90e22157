"""Reads for quarterly fund reports: the quarter's bounds and the figures, from the fund's ledger
accounts (every moving leg of the quarter), the projects (milestones accepted, hours confirmed)
and the fund book's digest at the quarter's end."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.core.aggregates import DecimalSum
from apps.core.ids import parse_id
from apps.core.money import decimal_to_fen
from apps.expenses.models import Expense
from apps.fundreports.models import FundReport, ReportUnsubscribe
from apps.funds.models import Donation, Fund, Income
from apps.funds.selectors import MOVING, fund_account_ids, fund_book
from apps.ledger.labels import transfer_kind_label
from apps.ledger.models import Digest, Leg
from apps.projects.models import Milestone, Project, ServiceLog

UNSUBSCRIBE_SALT = "fundreports.unsubscribe"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    """The quarter's first instant and the next quarter's first instant, in local time."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time())),
        timezone.make_aware(dt.datetime.combine(end, dt.time())),
    )


def quarter_of(moment: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def last_ended_quarter(now: dt.datetime | None = None) -> tuple[int, int]:
    year, quarter = quarter_of(now or timezone.now())
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _project_rows(project_ids) -> dict[int, str]:
    return dict(Project.objects.filter(pk__in=[p for p in project_ids if p]).values_list("pk", "title"))


def _hours(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def report_figures(fund: Fund, year: int, quarter: int) -> dict:
    """Everything the report shows, as plain JSON (fen as integers)."""
    start, end = quarter_bounds(year, quarter)
    legs = list(
        Leg.objects.filter(
            account_id__in=fund_account_ids(fund),
            transfer__phase__in=MOVING,
            created_at__gte=start,  # the leg's copy of its transfer's time: the quarter's partition
            created_at__lt=end,
        ).values_list("transfer_id", "transfer__kind", "transfer__key", "transfer__reference", "amount")
    )
    # Money in: credits to the fund's accounts, by kind (income by the source people wrote).
    income_source = dict(
        Income.objects.filter(transfer_id__in={t for t, _k, _key, _r, a in legs if a < 0}).values_list(
            "transfer_id", "source"
        )
    )
    money_in: dict[tuple[str, str], int] = defaultdict(int)
    for transfer_id, kind, _key, _ref, amount in legs:
        if amount < 0:
            money_in[(kind, income_source.get(transfer_id, ""))] += -amount
    # Money out: debits, by project and line (an expense's budget line, a milestone), else by kind.
    expense_ids = {parse_id(key.split(":")[1]) for _t, _k, key, _r, a in legs if a > 0 and key.startswith("expense:")}
    expenses = {e.pk: e for e in Expense.objects.filter(pk__in=[i for i in expense_ids if i]).select_related("line")}
    milestone_ids = {
        parse_id(key.split(":")[1]) for _t, _k, key, _r, a in legs if a > 0 and key.startswith("milestone:")
    }
    milestones = Milestone.objects.in_bulk([i for i in milestone_ids if i])
    money_out: dict[tuple[str, int | None, str], int] = defaultdict(int)
    for _transfer_id, kind, key, reference, amount in legs:
        if amount <= 0:
            continue
        project_id = parse_id(reference.removeprefix("project:")) if reference.startswith("project:") else None
        line = ""
        parts = key.split(":")
        if key.startswith("expense:") and (e := expenses.get(parse_id(parts[1]))):
            line = e.line.title
        elif key.startswith("milestone:") and (m := milestones.get(parse_id(parts[1]))):
            line = m.title
        money_out[(kind, project_id, line)] += amount
    titles = _project_rows({p for _k, p, _l in money_out})

    fund_projects = Project.objects.filter(Q(fund=fund) | Q(community_id=fund.community_id))
    accepted = (
        Milestone.objects.filter(project__in=fund_projects, accepted_at__gte=start, accepted_at__lt=end)
        .select_related("project")
        .order_by("accepted_at", "pk")
    )
    hours = (
        ServiceLog.objects.counted()
        .filter(project__in=fund_projects, confirmed_at__gte=start, confirmed_at__lt=end)
        .values("project_id", "project__title")
        .annotate(hours=DecimalSum("hours"))
        .order_by("project__title")
    )
    digest = (
        Digest.objects.filter(book=fund_book(fund), date__lt=timezone.localtime(end).date()).order_by("-date").first()
    )
    donations = Donation.objects.filter(fund=fund, paid_at__gte=start, paid_at__lt=end)
    return {
        "start": timezone.localtime(start).date().isoformat(),
        "end": (timezone.localtime(end).date() - dt.timedelta(days=1)).isoformat(),
        "money_in": [
            {"kind": kind, "source": source, "amount": amount}
            for (kind, source), amount in sorted(money_in.items(), key=lambda i: -i[1])
        ],
        "total_in": sum(money_in.values()),
        "money_out": [
            {"kind": kind, "project_id": pid, "project": titles.get(pid, ""), "line": line, "amount": amount}
            for (kind, pid, line), amount in sorted(
                money_out.items(), key=lambda i: (titles.get(i[0][1], "~"), i[0][2])
            )
        ],
        "total_out": sum(money_out.values()),
        "milestones": [
            {
                "project_id": m.project_id,
                "project": m.project.title,
                "title": m.title,
                "accepted_at": timezone.localtime(m.accepted_at).date().isoformat(),
                "amount": decimal_to_fen(m.amount),
            }
            for m in accepted
        ],
        "hours": [
            {"project_id": h["project_id"], "project": h["project__title"], "hours": _hours(h["hours"])} for h in hours
        ],
        "total_hours": _hours(sum((h["hours"] for h in hours), Decimal("0"))),
        "donations": donations.count(),
        "digest": (
            {"date": digest.date.isoformat(), "sequence": digest.sequence, "head_hash": digest.head_hash}
            if digest
            else None
        ),
    }


def fund_reports(fund: Fund) -> QuerySet[FundReport]:
    return FundReport.objects.filter(fund=fund)


def fund_report_get(fund: Fund, year: int, quarter: int) -> FundReport | None:
    return FundReport.objects.filter(fund=fund, year=year, quarter=quarter).first()


def report_recipients(report: FundReport) -> list[str]:
    """The quarter's donors who gave an address, once each, less those who unsubscribed."""
    start, end = quarter_bounds(report.year, report.quarter)
    emails = {
        e.strip().lower()
        for e in Donation.objects.filter(fund=report.fund, paid_at__gte=start, paid_at__lt=end)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    gone = set(ReportUnsubscribe.objects.filter(fund=report.fund).values_list("email", flat=True))
    return sorted(emails - gone)


def unsubscribe_token(fund: Fund, email: str) -> str:
    return signing.dumps({"f": fund.pk, "e": email}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(fund id, address) from a signed unsubscribe link, or None when it was tampered with."""
    try:
        data = signing.loads(token[:500], salt=UNSUBSCRIBE_SALT)
        return int(data["f"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def is_unsubscribed(fund: Fund, email: str) -> bool:
    return ReportUnsubscribe.objects.filter(fund=fund, email=email.strip().lower()).exists()


def report_display(report: FundReport) -> dict:
    """The stored figures with the names readers see, in the current language."""
    f = report.figures
    money_in = [
        {
            "label": r["source"] or transfer_kind_label(r["kind"]),
            "kind": transfer_kind_label(r["kind"]),
            "amount": r["amount"],
        }
        for r in f.get("money_in", [])
    ]
    money_out = [
        {
            "project": r["project"],
            "project_id": r["project_id"],
            "line": r["line"] or transfer_kind_label(r["kind"]),
            "kind": transfer_kind_label(r["kind"]),
            "amount": r["amount"],
        }
        for r in f.get("money_out", [])
    ]
    return {
        "start": dt.date.fromisoformat(f["start"]),
        "end": dt.date.fromisoformat(f["end"]),
        "money_in": money_in,
        "money_out": money_out,
        "total_in": f.get("total_in", 0),
        "total_out": f.get("total_out", 0),
        "milestones": [m | {"accepted_at": dt.date.fromisoformat(m["accepted_at"])} for m in f.get("milestones", [])],
        "hours": f.get("hours", []),
        "total_hours": Decimal(f.get("total_hours", "0")),
        "donations": f.get("donations", 0),
        "digest": f["digest"] | {"date": dt.date.fromisoformat(f["digest"]["date"])} if f.get("digest") else None,
    }


def report_path(report: FundReport, *, pdf: bool = False) -> str:
    """``/funds/<id>/reports/<year>-Q<n>/`` (or its ``pdf/``) in the current language."""
    kwargs = {"pk": report.fund_id, "year": report.year, "quarter": report.quarter}
    return reverse("fundreport-pdf" if pdf else "fundreport-page", kwargs=kwargs)
