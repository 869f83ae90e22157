"""Public pages of the quarterly fund reports (list, report, PDF) and the one-click unsubscribe
link of their mails (GET shows a confirm button; POST unsubscribes, also RFC 8058 one-click)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.core.pages import object_or_404
from apps.fundreports import pdf
from apps.fundreports.selectors import (
    fund_report_get,
    fund_reports,
    is_unsubscribed,
    report_display,
    report_path,
    unsubscribe_token_read,
)
from apps.fundreports.services import report_unsubscribe
from apps.funds.access import fund_get_public


def _fund_or_404(pk):
    return object_or_404(fund_get_public, fund_id=pk)


def _report_or_404(fund, year, quarter):
    report = fund_report_get(fund, int(year), int(quarter))
    if report is None:
        raise Http404
    return report


def report_list(request, pk):
    fund = _fund_or_404(pk)
    rows = [{"report": r, "url": report_path(r), "pdf": report_path(r, pdf=True)} for r in fund_reports(fund)]
    return render(request, "fundreports/report_list.html", {"fund": fund, "rows": rows})


def report_detail(request, pk, year, quarter):
    fund = _fund_or_404(pk)
    report = _report_or_404(fund, year, quarter)
    return render(
        request,
        "fundreports/report_detail.html",
        {"fund": fund, "report": report, "d": report_display(report), "pdf_url": report_path(report, pdf=True)},
    )


def report_pdf(request, pk, year, quarter):
    fund = _fund_or_404(pk)
    report = _report_or_404(fund, year, quarter)
    page_url = request.build_absolute_uri(report_path(report))
    response = HttpResponse(pdf.report_pdf(report=report, page_url=page_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fund-{fund.code}-{report.period}.pdf"'
    return response


@csrf_exempt  # the signed token is the proof; mail programs post RFC 8058 one-click without a cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, pk, token):
    fund = _fund_or_404(pk)
    read = unsubscribe_token_read(token)
    if read is None or read[0] != fund.pk:
        raise Http404
    email = read[1]
    done = is_unsubscribed(fund, email)
    if request.method == "POST":
        report_unsubscribe(fund=fund, email=email)
        done = True
    return render(request, "fundreports/unsubscribe.html", {"fund": fund, "done": done})
