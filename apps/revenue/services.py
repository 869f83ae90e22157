"""Writes of revenue share: one service per transition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import StateConflict, ValidationFailed
from apps.core.money import allocate, decimal_to_fen, fen_to_decimal
from apps.core.uploads import validate_upload
from apps.funds.access import fund_require_manager
from apps.organizations.models import Organization
from apps.revenue import booking
from apps.revenue.access import require_org_admin
from apps.revenue.models import (
    RevenueReportAttachment,
    RevenueShareAgreement,
    RevenueShareParty,
    RevenueShareReport,
)

MAX_ATTACHMENTS = 10


@transaction.atomic
def revenue_share_create(
    *,
    actor,
    organization: Organization,
    fund,
    fund_share_percent: Decimal,
    start: dt.date,
    end: dt.date,
    parties: list[dict] | None = None,
) -> RevenueShareAgreement:
    fund_require_manager(actor, fund.id)
    errors: dict[str, list[str]] = {}
    if end < start:
        errors["end"] = [_("The end must not be before the start.")]
    if not Decimal(0) < fund_share_percent <= Decimal(100):
        errors["fund_share_percent"] = [_("A percentage above 0 and at most 100.")]
    if organization.status != Organization.Status.VERIFIED:
        errors["organization"] = [_("The organization is not verified.")]
    parties = parties or []
    others = sum((Decimal(p["percent"]) for p in parties), Decimal(0))
    if any(Decimal(p["percent"]) <= 0 for p in parties):
        errors["parties"] = [_("Each party's share must be above 0.")]
    elif fund_share_percent + others > 100:
        errors["parties"] = [_("The fund's and the parties' shares must not exceed 100 % together.")]
    if errors:
        raise ValidationFailed(_("Invalid agreement."), field_errors=errors)
    agreement = RevenueShareAgreement.objects.create(
        organization=organization,
        fund=fund,
        fund_share_percent=fund_share_percent,
        start=start,
        end=end,
        created_by=actor,
    )
    RevenueShareParty.objects.bulk_create(
        [RevenueShareParty(agreement=agreement, name=p["name"], percent=Decimal(p["percent"])) for p in parties]
    )
    return agreement


@transaction.atomic
def revenue_report_submit(
    *,
    actor,
    agreement: RevenueShareAgreement,
    period_start: dt.date,
    period_end: dt.date,
    revenue: Decimal,
    attachments=(),
) -> RevenueShareReport:
    require_org_admin(actor, agreement.organization_id)
    # Lock the agreement so two reports for overlapping periods can't both pass the check.
    agreement = RevenueShareAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors: dict[str, list[str]] = {}
    if period_end < period_start:
        errors["period_end"] = [_("The period must not end before it starts.")]
    elif period_start < agreement.start or period_end > agreement.end:
        errors["period_start"] = [
            _("The period must lie within the agreement (%(start)s to %(end)s).")
            % {"start": agreement.start.isoformat(), "end": agreement.end.isoformat()}
        ]
    elif period_end >= timezone.localdate():
        errors["period_end"] = [_("Revenue can only be reported for a period that has ended.")]
    if revenue < 0:
        errors["revenue"] = [_("Revenue must not be negative.")]
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = [_("At most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}]
    mimes = []
    for f in attachments:
        try:
            mimes.append(validate_upload(f))
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(str(m) for m in exc.messages)
    if errors:
        raise ValidationFailed(_("Invalid report."), field_errors=errors)
    overlapping = agreement.reports.exclude(status=RevenueShareReport.Status.RETURNED).filter(
        period_start__lte=period_end, period_end__gte=period_start
    )
    if overlapping.exists():
        raise ValidationFailed(
            _("A report for an overlapping period already exists."),
            field_errors={"period_start": [_("A report for an overlapping period already exists.")]},
        )
    report = RevenueShareReport.objects.create(
        agreement=agreement,
        period_start=period_start,
        period_end=period_end,
        revenue=revenue,
        submitted_by=actor,
    )
    for f, mime in zip(attachments, mimes, strict=True):
        RevenueReportAttachment.objects.create(report=report, file=f, name=f.name[:200], mime=mime)
    return report


def revenue_split(*, agreement: RevenueShareAgreement, revenue: Decimal, rotation: int = 0) -> dict:
    """fund, organization and further parties' amounts: exact to the fen, summing to revenue."""
    parties = list(agreement.parties.all())
    weights = [agreement.fund_share_percent, agreement.organization_share_percent, *(p.percent for p in parties)]
    fen = allocate(decimal_to_fen(revenue), weights, rotation=rotation)
    return {
        "fund_amount": fen_to_decimal(fen[0]),
        "organization_amount": fen_to_decimal(fen[1]),
        "party_amounts": [
            {"name": p.name, "percent": f"{p.percent:.2f}", "amount": f"{fen_to_decimal(x):.2f}"}
            for p, x in zip(parties, fen[2:], strict=True)
        ],
    }


def _locked(report: RevenueShareReport) -> RevenueShareReport:
    return RevenueShareReport.objects.select_for_update().select_related("agreement").get(pk=report.pk)


def revenue_report_split(*, report: RevenueShareReport) -> dict:
    """The split approving the report books now (``revenue_split``), read only: the leftover fen
    rotate across the agreement's successive approvals."""
    rotation = report.agreement.reports.filter(
        status__in=[RevenueShareReport.Status.APPROVED, RevenueShareReport.Status.SETTLED]
    ).count()
    return revenue_split(agreement=report.agreement, revenue=report.revenue, rotation=rotation)


@transaction.atomic
def revenue_report_approve(*, actor, report: RevenueShareReport) -> RevenueShareReport:
    fund_require_manager(actor, report.agreement.fund_id)
    report = _locked(report)
    if report.status != RevenueShareReport.Status.SUBMITTED:
        raise StateConflict(
            _("Only a submitted report can be approved; this one is %(status)s.")
            % {"status": report.get_status_display()}
        )
    split = revenue_report_split(report=report)
    report.fund_amount = split["fund_amount"]
    report.organization_amount = split["organization_amount"]
    report.party_amounts = split["party_amounts"]
    report.status = RevenueShareReport.Status.APPROVED
    report.decided_by = actor
    report.decided_at = timezone.now()
    report.save()
    report.receivable_transfer_id = booking.book_revenue_receivable(report=report) or ""
    report.save(update_fields=["receivable_transfer_id"])
    return report


@transaction.atomic
def revenue_report_return(*, actor, report: RevenueShareReport, reason: str) -> RevenueShareReport:
    fund_require_manager(actor, report.agreement.fund_id)
    report = _locked(report)
    if report.status != RevenueShareReport.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted report can be returned."))
    if not reason.strip():
        raise ValidationFailed(_("Say why."), field_errors={"reason": [_("Say why the report is returned.")]})
    report.status = RevenueShareReport.Status.RETURNED
    report.return_reason = reason.strip()
    report.decided_by = actor
    report.decided_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def revenue_report_settle(*, actor, report: RevenueShareReport) -> RevenueShareReport:
    """The fund's share has arrived in cash; clears the receivable."""
    fund_require_manager(actor, report.agreement.fund_id)
    report = _locked(report)
    if report.status != RevenueShareReport.Status.APPROVED:
        raise StateConflict(_("Only an approved, unsettled report can be settled."))
    report.status = RevenueShareReport.Status.SETTLED
    report.settled_at = timezone.now()
    report.save()
    report.settlement_transfer_id = booking.book_revenue_settlement(report=report) or ""
    report.save(update_fields=["settlement_transfer_id"])
    return report
