from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.charts import EXPENSE, INCOME, Series, bar_chart
from apps.core.dates import local_date
from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.exports import ID_COLUMN, Column, choice_label, csv_response, export_codes, export_table
from apps.core.ids import parse_id
from apps.core.models import Category
from apps.core.money import format_yuan
from apps.core.pages import (
    MoneyConfirm,
    money_confirm_render,
    money_confirm_stale,
    money_moved_message,
    object_or_404,
    show_error,
)
from apps.funds import pdf, selectors
from apps.funds.access import fund_get_public, fund_require_manager
from apps.funds.api import public_transfer_rows, receipt_data
from apps.funds.models import Donation, GivingSchedule, RefundHold
from apps.funds.services import giving_schedule_cancel, refund_hold_resolve
from apps.funds.statement import transfer_account_codes
from apps.ledger.labels import transfer_kind_label
from apps.ledger.models import Digest


def _fund_or_404(pk):
    return object_or_404(fund_get_public, fund_id=pk)


def fund_list(request):
    funds = list(selectors.funds_public())
    balances = selectors.fund_balances(funds)
    rows = [{"fund": f, "balance": format_yuan(balances.get(f.pk, 0))} for f in funds]
    return render(request, "funds/fund_list.html", {"rows": rows})


def _books_chart(rows, *, title, heading):
    """Money in (green) and out (red) of the fund per row, in yuan as people read them."""
    return bar_chart(
        title=title,
        heading=heading,
        series=[Series(_("Money in"), INCOME), Series(_("Money out"), EXPENSE)],
        rows=[(r["label"], (r["in"], r["out"])) for r in rows],
        show=lambda fen: format_yuan(int(fen)),
    )


def fund_detail(request, pk):
    fund = _fund_or_404(pk)
    summary = selectors.fund_summary(fund)
    monthly = selectors.fund_monthly(fund)
    months: dict = {}
    categories: dict = {}
    for row in monthly:
        label = (
            # 2026年12月 / Dec 2026 (#20): the page's own month format
            date_format(timezone.localtime(row["month"]), "YEAR_MONTH_FORMAT")
            if hasattr(row["month"], "tzinfo")
            else str(row["month"])
        )
        m = months.setdefault(label, {"label": label, "in": 0, "out": 0})
        m["in"] += row["in"]
        m["out"] += row["out"]
        c = categories.setdefault(row["kind"], {"label": transfer_kind_label(row["kind"]), "in": 0, "out": 0})
        c["in"] += row["in"]
        c["out"] += row["out"]
    transfers = list(selectors.fund_transfers(fund)[:200])
    rows = public_transfer_rows(transfers, selectors.donor_displays(transfers))
    digest = Digest.objects.filter(book=f"fund:{fund.code}").order_by("-date").first()
    codes = [r["purpose"] for r in summary["restricted"]]
    purposes = {c.code: c.display_name for c in Category.objects.filter(code__in=codes)}
    context = {
        "fund": fund,
        "balance": format_yuan(summary["balance"]),
        "total_in": format_yuan(summary["total_in"]),
        "total_out": format_yuan(summary["total_out"]),
        "available": format_yuan(summary["available"]),
        "reserved": format_yuan(summary["reserved"]),
        "restricted": [
            {"purpose": purposes.get(r["purpose"], r["purpose"]), "balance": format_yuan(r["balance"])}
            for r in summary["restricted"]
        ],
        "month_chart": _books_chart(months.values(), title=_("Income and spending by month"), heading=_("Month")),
        "category_chart": _books_chart(
            categories.values(), title=_("Income and spending by category"), heading=_("Category")
        ),
        "rows": rows,
        "digest": digest,
    }
    return render(request, "funds/fund_detail.html", context)


TRANSFER_COLUMNS = [
    ID_COLUMN,
    Column("created_at", gettext_lazy("time")),
    Column("kind", gettext_lazy("kind"), transfer_kind_label),  # the kind's name, its code with ?headers=codes
    Column(
        "direction", gettext_lazy("direction"), choice_label([("in", gettext_lazy("in")), ("out", gettext_lazy("out"))])
    ),
    Column("amount", gettext_lazy("amount (yuan)")),
    Column("memo", gettext_lazy("memo")),
    Column("donor_display", gettext_lazy("donor")),
    Column("hash", gettext_lazy("ledger hash")),
    # #23: the codes of 民间非营利组织会计制度 (PolicyVersion.ledger_account_codes), last so the
    # earlier columns keep their places for readers that parse the file
    Column("kind_code", gettext_lazy("income or expense code")),
    Column("account_code", gettext_lazy("fund account code")),
]


def fund_transfers_csv(request, pk):
    fund = _fund_or_404(pk)
    transfers = list(selectors.fund_transfers(fund))
    codes = transfer_account_codes(transfers, fund=fund)
    rows = (
        [(r | codes[r["id"]])[c.code] for c in TRANSFER_COLUMNS]
        for r in public_transfer_rows(transfers, selectors.donor_displays(transfers))
    )
    table = export_table(TRANSFER_COLUMNS, rows, codes=export_codes(request))
    return csv_response(*table, filename=f"{fund.code}-transfers.csv")


def donation_form(request, pk):
    fund = _fund_or_404(pk)
    # the purpose is a category code (funds.services.purpose_validate): offer the choices
    return render(request, "funds/donate.html", {"fund": fund, "purposes": Category.objects.order_by("sort_order")})


def _receipt_or_404(receipt_no):
    donation = Donation.objects.select_related("fund").filter(receipt_no=receipt_no[:64]).first()
    if donation is None:
        raise Http404
    return donation


def receipt(request, receipt_no):
    donation = _receipt_or_404(receipt_no)
    data = receipt_data(donation)
    data["amount_display"] = format_yuan(donation.amount_fen)
    category = selectors.donation_purpose_category(donation)
    data["purpose_display"] = category.display_name if category else donation.purpose  # a name, not the code
    data["refunded_display"] = format_yuan(donation.refunded_fen)
    data["date_display"] = local_date(timezone.localtime(donation.paid_at).date())  # the API keeps ISO
    return render(request, "funds/receipt.html", {"r": data, "donation": donation})


def receipt_pdf(request, receipt_no):
    """The receipt as a PDF with a QR code pointing back at the public receipt page."""
    donation = _receipt_or_404(receipt_no)
    verify_url = request.build_absolute_uri(reverse("receipt-page", args=[donation.receipt_no]))
    response = HttpResponse(pdf.receipt_pdf(donation=donation, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{donation.receipt_no}.pdf"'
    return response


def donation_thanks(request, pk):
    donation = Donation.objects.filter(pk=pk).select_related("fund").first()
    if donation is None:
        raise Http404
    return render(request, "funds/thanks.html", {"donation": donation})


@login_required
def refund_holds(request, pk):
    """Fund managers: refunds and disputes the fund could not absorb, and resolving them."""
    fund = _fund_or_404(pk)
    try:
        fund_require_manager(request.user, fund.pk)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    if request.method == "POST":
        hold_id = parse_id(request.POST.get("hold"))
        hold = selectors.fund_refund_holds(fund).filter(pk=hold_id).first() if hold_id else None
        if hold is None:
            raise Http404
        resolution = request.POST.get("resolution", "")
        if not hold.resolved and resolution in RefundHold.Resolution.values:
            confirm = _hold_confirm(fund, hold, resolution, request.POST.get("note", ""))
            if stale := money_confirm_stale(request, confirm):
                return stale
        try:
            refund_hold_resolve(
                hold=hold,
                actor=request.user,
                resolution=request.POST.get("resolution", ""),
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            _say_hold_booked(request, fund, hold)
        return redirect("fund-refund-holds", pk=fund.pk)
    holds = list(selectors.fund_refund_holds(fund))
    for hold in holds:
        hold.amount_display = format_yuan(hold.amount_fen)
    context = {"fund": fund, "holds": holds, "resolutions": RefundHold.Resolution.choices}
    return render(request, "funds/refund_holds.html", context)


@login_required
def refund_hold_confirm(request, pk, hold_id):
    """Fund managers: what resolving the hold the chosen way books, from whose money to whom
    (moves nothing); its button posts to ``refund_holds``."""
    fund = _fund_or_404(pk)
    try:
        fund_require_manager(request.user, fund.pk)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    hold = selectors.fund_refund_holds(fund).filter(pk=parse_id(hold_id)).first()
    if hold is None:
        raise Http404
    resolution = request.GET.get("resolution", "")
    if hold.resolved or resolution not in RefundHold.Resolution.values:
        if not hold.resolved:
            messages.error(request, _("Choose how the hold is resolved."))
        return redirect(f"{reverse('fund-refund-holds', args=[fund.pk])}#hold-{hold.pk}")
    return money_confirm_render(request, _hold_confirm(fund, hold, resolution, request.GET.get("note", "")))


def _hold_confirm(fund, hold, resolution: str, note: str) -> MoneyConfirm:
    return MoneyConfirm(
        title=_("Resolve a refund hold"),
        question=_("Book this %(reason)s now: %(how)s?")
        % {"reason": transfer_kind_label(hold.reason), "how": RefundHold.Resolution(resolution).label},
        move=selectors.refund_hold_resolve_preview(hold=hold, resolution=resolution),
        subject=_("%(reason)s of receipt %(receipt)s")
        % {"reason": transfer_kind_label(hold.reason), "receipt": hold.donation.receipt_no or hold.donation.pk},
        submit_label=_("Book it"),
        cancel_url=reverse("fund-refund-holds", args=[fund.pk]),
        post_to=reverse("fund-refund-holds", args=[fund.pk]),
        fields=(("hold", str(hold.pk)), ("resolution", resolution), ("note", note[:500])),
    )


def _say_hold_booked(request, fund, hold) -> None:
    hold.refresh_from_db()
    money_moved_message(
        request,
        _("%(reason)s of receipt %(receipt)s booked: %(amount)s from %(source)s (%(transfer)s)."),
        reason=transfer_kind_label(hold.reason),
        receipt=hold.donation.receipt_no or hold.donation.pk,
        amount=format_yuan(hold.amount_fen),
        source=selectors.refund_hold_resolve_preview(hold=hold, resolution=hold.resolution).source,
        transfer_id=hold.transfer_id,
        transfer_url=selectors.fund_transfer_url(fund, hold.transfer_id),
    )


PAYOUTS_PER_PAGE = 50


def fund_payouts(request, pk):
    """The grants the fund paid out to organizations for accepted milestones, newest first: public
    like the rest of the fund's books."""
    fund = _fund_or_404(pk)
    page = Paginator(selectors.fund_payouts(fund), PAYOUTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"fund": fund, "page": page, "rows": selectors.fund_payout_rows(page.object_list)}
    return render(request, "funds/fund_payouts.html", context)


def giving_page(request, token):
    """The donor's monthly gift through the signed link in every receipt email (no account):
    what it is, what it has paid, and a button that stops it (at Stripe, then here)."""
    schedule = selectors.giving_schedule_by_token(token)
    if schedule is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            try:
                giving_schedule_cancel(schedule=schedule)
            except ApplicationError as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Your monthly gift is stopped. Nothing more will be charged."))
        return redirect("giving-page", token=token)
    donations = list(selectors.giving_schedule_donations(schedule))
    for d in donations:
        d.amount_display = format_yuan(d.amount_fen)
    category = Category.objects.filter(code=schedule.purpose).first() if schedule.purpose else None
    context = {
        "schedule": schedule,
        "amount_display": format_yuan(schedule.amount_fen),
        "purpose_display": category.display_name if category else "",
        "donations": donations,
        "total_display": format_yuan(sum(d.amount_fen - d.refunded_fen for d in donations)),
        "can_cancel": schedule.status != GivingSchedule.Status.CANCELLED,
    }
    return render(request, "funds/giving.html", context)
