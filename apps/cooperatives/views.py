from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cooperatives import access, selectors, services
from apps.cooperatives.forms import HolderForm, ProfitForm, ShareTransferForm
from apps.core.errors import ApplicationError, ValidationFailed
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
from apps.funds.selectors import fund_transfer_url


def _coop(request, pk):
    return object_or_404(access.cooperative_get_for_user, user=request.user, cooperative_id=pk)


@login_required
def cooperative_list(request):
    return render(
        request, "cooperatives/cooperative_list.html", {"cooperatives": access.cooperatives_for_user(request.user)}
    )


@login_required
def cooperative_detail(request, pk):
    coop = _coop(request, pk)
    sees_register = access.user_sees_register(request.user, coop)
    distributions = coop.distributions.prefetch_related("allocations__holder")
    my_dividends = [
        (d, a)
        for d in distributions
        if d.status == d.Status.APPROVED
        for a in d.allocations.all()
        if a.holder.user_id == request.user.pk
    ]
    return render(
        request,
        "cooperatives/cooperative_detail.html",
        {
            "coop": coop,
            "holders": access.holders_for_user(request.user, coop),
            "transfers": coop.share_transfers.select_related("from_holder", "to_holder") if sees_register else [],
            "distributions": distributions if sees_register else [],
            "profits": coop.profits.select_related("recorded_by"),
            "my_dividends": my_dividends,
            "sees_register": sees_register,
            "may_declare": access.user_declares_dividends(request.user, coop),
            "may_approve": access.user_approves_distributions(request.user, coop),
            "manages": access.user_manages_cooperative(request.user, coop),
        },
    )


@login_required
def certificate(request, pk, holder_pk):
    coop = _coop(request, pk)
    holder = access.holders_for_user(request.user, coop).filter(pk=holder_pk).first()
    if holder is None:
        raise Http404
    return render(request, "cooperatives/certificate.html", {"coop": coop, "holder": holder})


@login_required
def distribution_preview(request, pk):
    """GET shows the form and, with values, the waterfall step by step; POST declares it (the
    community fund's manager then approves it, which books it)."""
    coop = _coop(request, pk)
    if not access.user_declares_dividends(request.user, coop):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    context = {"coop": coop, "values": data, "waterfall": None, "profits": coop.profits.all()}
    if "fiscal_year" in data:
        try:
            kwargs = {
                "fiscal_year": int(data["fiscal_year"]),
                "distributable_profit": Decimal(data.get("distributable_profit") or "0").quantize(Decimal("0.01")),
                "prior_losses": Decimal(data.get("prior_losses") or "0").quantize(Decimal("0.01")),
            }
            if request.method == "POST":
                services.distribution_create(actor=request.user, cooperative=coop, **kwargs)
                messages.success(request, _("The distribution was declared; the community fund's manager approves it."))
                return redirect("cooperative-page", pk=coop.pk)
            waterfall, meta = services.distribution_preview(actor=request.user, cooperative=coop, **kwargs)
            context["waterfall"] = waterfall
            context["meta"] = meta
            context["steps"] = [
                dict(s, amount_display=format_yuan(s["amount"]), remaining_display=format_yuan(s["remaining"]))
                for s in waterfall.steps
            ]
            context["allocations"] = [(h, s, format_yuan(a)) for h, s, a in waterfall.allocations]
        except (ValueError, InvalidOperation):
            show_error(request, ValidationFailed(_("Enter a year and amounts with at most two decimals.")))
        except ApplicationError as exc:
            show_error(request, exc)
    return render(request, "cooperatives/distribution_preview.html", context)


def _managed_coop(request, pk):
    coop = _coop(request, pk)
    if not access.user_manages_cooperative(request.user, coop):
        raise Http404
    return coop


def _register_form_page(request, coop, form, *, template, run):
    """GET shows the form; POST runs the service and returns to the register, or shows the
    errors next to their fields (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The register was updated."))
            return redirect("cooperative-page", pk=coop.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"coop": coop, "form": form}, status=status)


@login_required
def holder_add(request, pk):
    coop = _managed_coop(request, pk)
    form = HolderForm(request.POST or None)
    return _register_form_page(
        request,
        coop,
        form,
        template="cooperatives/holder_form.html",
        run=lambda d: services.holder_add(
            actor=request.user,
            cooperative=coop,
            name=d["name"],
            holder_type=d["holder_type"],
            shares=d["shares"],
            certificate_no=d["certificate_no"],
            holder_user=d["username"],
        ),
    )


@login_required
def share_transfer_add(request, pk):
    coop = _managed_coop(request, pk)
    form = ShareTransferForm(request.POST or None, cooperative=coop)
    return _register_form_page(
        request,
        coop,
        form,
        template="cooperatives/transfer_form.html",
        run=lambda d: services.share_transfer_create(
            actor=request.user,
            cooperative=coop,
            from_holder=d["from_holder"],
            to_holder=d["to_holder"],
            shares=d["shares"],
        ),
    )


@login_required
def dividend_pay(request, pk, did, aid):
    """GET: what paying the holder's dividend books (moves nothing). POST: pay and book it, then
    say what was paid to whom and the ledger transfer."""
    coop = _managed_coop(request, pk)
    distribution = object_or_404(access.distribution_get_for_user, user=request.user, coop=coop, distribution_id=did)
    allocation = object_or_404(
        access.allocation_get_for_user, user=request.user, distribution=distribution, allocation_id=aid
    )
    payable = distribution.status == distribution.Status.APPROVED and not allocation.paid_at and allocation.amount

    def confirm():
        return MoneyConfirm(
            title=_("Pay a dividend"),
            question=_("Pay this dividend to %(holder)s?") % {"holder": allocation.holder.name},
            move=selectors.dividend_pay_preview(allocation=allocation),
            subject=_("%(coop)s, dividend of %(year)s") % {"coop": coop.name, "year": distribution.fiscal_year},
            submit_label=_("Pay"),
            cancel_url=reverse("cooperative-page", args=[coop.pk]),
        )

    if request.method != "POST":
        if not payable:
            messages.error(request, _("There is no dividend to pay to this holder now."))
            return redirect("cooperative-page", pk=coop.pk)
        return money_confirm_render(request, confirm())
    if payable and (stale := money_confirm_stale(request, confirm())):
        return stale
    try:
        allocation = services.dividend_pay(actor=request.user, allocation=allocation)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        money_moved_message(
            request,
            _("Dividend of %(amount)s paid to %(payee)s (%(transfer)s)."),
            amount=format_yuan(decimal_to_fen(allocation.amount)),
            payee=allocation.holder.name,
            transfer_id=allocation.payout_transfer_id_text,
        )
    return redirect("cooperative-page", pk=coop.pk)


@login_required
def profit_add(request, pk):
    """The cooperative's managers record a year's profit with its financial statement."""
    coop = _coop(request, pk)
    if not access.user_declares_dividends(request.user, coop):
        raise Http404
    form = ProfitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.profit_record(
                actor=request.user,
                cooperative=coop,
                fiscal_year=d["fiscal_year"],
                amount=d["amount"],
                statement=d["statement"],
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The profit was recorded and booked to the cooperative's account."))
            return redirect("cooperative-page", pk=coop.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperatives/profit_form.html", {"coop": coop, "form": form}, status=status)


@login_required
def profit_statement(request, pk, pid):
    coop = _coop(request, pk)
    profit = object_or_404(access.profit_get_for_user, user=request.user, coop=coop, profit_id=pid)
    return private_file_response(profit.statement, download_name=profit.statement_name)


def _decided_distribution(request, pk, did):
    coop = _coop(request, pk)
    if not access.user_approves_distributions(request.user, coop):
        raise Http404
    return coop, object_or_404(access.distribution_get_for_user, user=request.user, coop=coop, distribution_id=did)


def _decide(request, pk, did, decide, say):
    coop, distribution = _decided_distribution(request, pk, did)
    try:
        decided = decide(distribution)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        say(decided)
    return redirect("cooperative-page", pk=coop.pk)


@login_required
def distribution_approve(request, pk, did):
    """GET: where approving books the distributable profit (moves nothing). POST: approve and
    book it, then say what was booked and the ledger transfer."""
    coop, distribution = _decided_distribution(request, pk, did)
    declared = distribution.status == distribution.Status.DECLARED

    def confirm():
        return MoneyConfirm(
            title=_("Approve a distribution"),
            question=_("Approve this distribution and book it?"),
            move=selectors.distribution_approve_preview(distribution=distribution),
            subject=_("%(coop)s, distribution of %(year)s") % {"coop": coop.name, "year": distribution.fiscal_year},
            submit_label=_("Approve and book"),
            cancel_url=reverse("cooperative-page", args=[coop.pk]),
        )

    if request.method == "POST":
        if declared and (stale := money_confirm_stale(request, confirm())):
            return stale
        return _decide(
            request,
            pk,
            did,
            lambda d: services.distribution_approve(actor=request.user, distribution=d),
            lambda d: _say_distribution_booked(request, d),
        )
    if not declared:
        messages.error(request, _("Only a declared distribution can be approved."))
        return redirect("cooperative-page", pk=coop.pk)
    return money_confirm_render(request, confirm())


def _say_distribution_booked(request, distribution) -> None:
    fund = distribution.cooperative.community.fund
    values = {
        "amount": format_yuan(decimal_to_fen(distribution.distributable_profit)),
        "welfare": format_yuan(decimal_to_fen(distribution.public_welfare)),
        "payee": fund.name,
        "dividends": format_yuan(decimal_to_fen(distribution.dividend_pool)),
    }
    if not distribution.transfer_id_text:
        messages.success(request, _("The distribution was approved; it shares out no profit, so nothing was booked."))
        return
    money_moved_message(
        request,
        _(
            "Distribution of %(amount)s approved and booked: %(welfare)s to %(payee)s, %(dividends)s owed to the "
            "holders (%(transfer)s)."
        ),
        transfer_id=distribution.transfer_id_text,
        transfer_url=fund_transfer_url(fund, distribution.transfer_id_text),
        **values,
    )


@login_required
@require_POST
def distribution_reject(request, pk, did):
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        did,
        lambda d: services.distribution_reject(actor=request.user, distribution=d, reason=reason),
        lambda d: messages.success(
            request, _("The distribution was rejected; the cooperative may declare the year again.")
        ),
    )
