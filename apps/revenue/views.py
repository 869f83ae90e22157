from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import user_organization_ids
from apps.core.dates import local_date
from apps.core.errors import ApplicationError
from apps.core.money import decimal_to_fen, format_yuan
from apps.core.pages import (
    MoneyConfirm,
    money_confirm_render,
    money_confirm_stale,
    money_moved_message,
    object_or_404,
    show_error,
)
from apps.core.uploads import private_file_response
from apps.funds.access import user_manages_fund
from apps.funds.selectors import fund_transfer_url
from apps.revenue import access, selectors, services
from apps.revenue.forms import RevenueReportForm
from apps.revenue.models import RevenueShareReport


def _agreement_or_404(request, pk):
    return object_or_404(access.agreement_get_for_user, user=request.user, agreement_id=pk)


@login_required
def agreement_list(request):
    return render(request, "revenue/agreement_list.html", {"agreements": access.agreements_for_user(request.user)})


@login_required
def agreement_detail(request, pk):
    agreement = _agreement_or_404(request, pk)
    reports = access.reports_for_user(request.user).filter(agreement=agreement)
    return render(
        request,
        "revenue/agreement_detail.html",
        {
            "agreement": agreement,
            "reports": reports,
            "is_manager": user_manages_fund(request.user, agreement.fund_id),
            "is_org_admin": agreement.organization_id in user_organization_ids(request.user, roles=(Role.ORG_ADMIN,)),
        },
    )


@login_required
def report_submit(request, pk):
    """The enterprise's administrator reports a period's revenue with supporting documents."""
    agreement = _agreement_or_404(request, pk)
    if agreement.organization_id not in user_organization_ids(request.user, roles=(Role.ORG_ADMIN,)):
        raise Http404
    form = RevenueReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revenue_report_submit(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The report was sent to the fund's manager."))
            return redirect("revenue-share-page", pk=agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "revenue/report_form.html", {"agreement": agreement, "form": form}, status=status)


@login_required
def report_attachment(request, pk, aid):
    """A report's document, for those who may see the report (404 for anyone else)."""
    report = object_or_404(access.report_get_for_user, user=request.user, report_id=pk)
    attachment = report.attachments.filter(pk=aid).first()
    if attachment is None:
        raise Http404
    return private_file_response(attachment.file, download_name=attachment.name)


def _managed_report_or_404(request, pk):
    report = object_or_404(access.report_get_for_user, user=request.user, report_id=pk)
    if not user_manages_fund(request.user, report.agreement.fund_id):
        raise Http404
    return report


def _report_money_step(request, pk, *, status, title, question, preview, submit_label, run, said, said_nothing):
    """A report's money step for the fund's manager. GET: what it books (``preview``), while the
    report is in ``status``; moves nothing. POST: ``run`` books it, then the page says what was
    booked (``said``) and the ledger transfer, or ``said_nothing`` when the fund's share is zero."""
    report = _managed_report_or_404(request, pk)
    agreement_url = reverse("revenue-share-page", args=[report.agreement_id])

    def confirm():
        period = f"{local_date(report.period_start)} – {local_date(report.period_end)}"
        organization = report.agreement.organization.name
        return MoneyConfirm(
            title=title,
            question=question,
            move=preview(report=report),
            subject=_("Revenue share of %(org)s, %(period)s") % {"org": organization, "period": period},
            submit_label=submit_label,
            cancel_url=agreement_url,
        )

    if request.method != "POST":
        if report.status != status:
            messages.error(request, _("This report is %(status)s now.") % {"status": report.get_status_display()})
            return redirect(agreement_url)
        return money_confirm_render(request, confirm())
    if report.status == status and (stale := money_confirm_stale(request, confirm())):
        return stale
    try:
        report, transfer_id = run(actor=request.user, report=report)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        fund = report.agreement.fund
        values = {"amount": format_yuan(decimal_to_fen(report.fund_amount)), "payee": fund.name}
        if transfer_id:
            transfer_url = fund_transfer_url(fund, transfer_id)
            money_moved_message(request, said, transfer_id=transfer_id, transfer_url=transfer_url, **values)
        else:
            messages.success(request, said_nothing % values)
    return redirect(agreement_url)


def _approved(*, actor, report):
    report = services.revenue_report_approve(actor=actor, report=report)
    return report, report.receivable_transfer_id


def _settled(*, actor, report):
    report = services.revenue_report_settle(actor=actor, report=report)
    return report, report.settlement_transfer_id


@login_required
def report_approve(request, pk):
    """The fund's manager approves a report: the split, and the fund's share booked as owed."""
    return _report_money_step(
        request,
        pk,
        status=RevenueShareReport.Status.SUBMITTED,
        title=_("Approve a revenue report"),
        question=_("Approve this report and book the fund's share as owed?"),
        preview=selectors.revenue_report_approve_preview,
        submit_label=_("Approve"),
        run=_approved,
        said=_("Report approved: %(amount)s booked as owed to %(payee)s (%(transfer)s)."),
        said_nothing=_("Report approved: the fund's share is %(amount)s, nothing to book."),
    )


@login_required
def report_settle(request, pk):
    """The fund's manager records that the fund's share arrived: booked into the fund."""
    return _report_money_step(
        request,
        pk,
        status=RevenueShareReport.Status.APPROVED,
        title=_("Record the fund's share as received"),
        question=_("Has the fund's share arrived in the fund's bank account?"),
        preview=selectors.revenue_report_settle_preview,
        submit_label=_("Money received"),
        run=_settled,
        said=_("%(amount)s received into %(payee)s (%(transfer)s)."),
        said_nothing=_("Report settled: the fund's share is %(amount)s, nothing to book."),
    )
