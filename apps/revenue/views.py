from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import user_organization_ids
from apps.core.errors import ApplicationError
from apps.core.pages import object_or_404, show_error
from apps.core.uploads import private_file_response
from apps.funds.access import user_manages_fund
from apps.revenue import access, services
from apps.revenue.forms import RevenueReportForm


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
