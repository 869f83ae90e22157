"""Pages: a project's budget and expense claims (the organization claims, the community's staff
approve or reject, the fund manager pays), and a claim's receipts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.selectors import is_platform_staff, user_community_ids, user_fund_ids, user_organization_ids
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
from apps.expenses import services
from apps.expenses.access import expense_receipt_get_for_user, user_sees_expenses
from apps.expenses.forms import BudgetReviseForm, ExpenseClaimForm
from apps.expenses.models import BudgetLine, Expense
from apps.expenses.selectors import (
    budget_lines_with_totals,
    budget_revisions,
    budget_totals,
    expense_list,
    expense_pay_preview,
    project_fund,
)
from apps.funds.selectors import fund_transfer_url
from apps.projects.access import project_get_for_user


def _project_for_parties(request, pk):
    project = object_or_404(project_get_for_user, user=request.user, pk=pk)
    if not user_sees_expenses(request.user, project):
        raise Http404
    return project


def _roles(user, project) -> dict:
    fund = project_fund(project)
    return {
        "is_org": project.organization_id in user_organization_ids(user),
        "is_staff": project.community_id in user_community_ids(user),
        "can_revise": project.community_id in user_community_ids(user) or is_platform_staff(user),
        "is_manager": fund is not None and fund.pk in user_fund_ids(user),
    }


def _page(request, project, *, form=None, status=200):
    services.budget_lines_ensure(project=project)
    roles = _roles(request.user, project)
    lines = list(budget_lines_with_totals(project=project))
    if roles["is_org"] and form is None and project.status == project.Status.ACTIVE:
        form = ExpenseClaimForm(lines=BudgetLine.objects.filter(project=project))
    revise_forms = []
    if roles["can_revise"]:
        revise_forms = [
            (line, BudgetReviseForm(initial={"title": line.title, "amount": line.amount}, prefix=f"l{line.pk}"))
            for line in lines
        ]
    return render(
        request,
        "expenses/project_expenses.html",
        {
            "project": project,
            "lines": lines,
            "totals": budget_totals(lines),
            "expenses": expense_list(project=project),
            "form": form,
            "revise_forms": revise_forms,
            "revisions": budget_revisions(project=project)
            if roles["can_revise"] or roles["is_org"] or roles["is_manager"]
            else [],
            "user_id": request.user.pk,
            **roles,
        },
        status=status,
    )


@login_required
def project_expenses(request, pk):
    """GET: the budget and claims. POST: the organization submits a claim (a refusal shows the
    form again with what was typed and the reason, in the page's language)."""
    project = _project_for_parties(request, pk)
    if request.method != "POST":
        return _page(request, project)
    services.budget_lines_ensure(project=project)
    form = ExpenseClaimForm(request.POST, request.FILES, lines=BudgetLine.objects.filter(project=project))
    if form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.expense_submit(
                actor=request.user,
                project=project,
                line=data["budget_line"],
                amount=data["amount"],
                spent_on=data["spent_on"],
                payee=data["payee"],
                description=data["description"],
                receipts=data["receipts"],
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(
                request,
                _("Claim of %(amount)s submitted; the community's staff will review it.")
                % {"amount": format_yuan(decimal_to_fen(expense.amount))},
            )
            return redirect("expenses:project-expenses", pk=project.pk)
    if request.FILES:
        form.add_error("receipts", _("For your safety the files were not kept: choose the receipts again."))
    return _page(request, project, form=form, status=400)


def _expense(project, eid) -> Expense:
    return get_object_or_404(Expense.objects.select_related("project", "line"), pk=eid, project=project)


@login_required
@require_POST
def expense_action(request, pk, eid, action):
    project = _project_for_parties(request, pk)
    expense = _expense(project, eid)
    try:
        if action == "approve":
            services.expense_approve(actor=request.user, expense=expense)
            messages.success(request, _("Claim approved; the fund manager, another person, pays it."))
        elif action == "reject":
            services.expense_reject(actor=request.user, expense=expense, reason=request.POST.get("reason", ""))
            messages.success(request, _("Claim rejected; the organization is told why."))
        else:
            raise Http404
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect("expenses:project-expenses", pk=project.pk)


@login_required
def expense_pay(request, pk, eid):
    """GET: what paying will move, from which fund to whom (moves nothing). POST: pay, then say
    what was paid and the ledger transfer."""
    project = _project_for_parties(request, pk)
    expense = _expense(project, eid)
    if not _roles(request.user, project)["is_manager"]:
        raise Http404
    confirm = _pay_confirm(project, expense)
    if request.method == "POST":
        if expense.status == Expense.Status.APPROVED and (stale := money_confirm_stale(request, confirm)):
            return stale
        try:
            transfer = services.expense_pay(actor=request.user, expense=expense)
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            fund = project_fund(project)
            money_moved_message(
                request,
                _("Claim paid: %(amount)s to %(payee)s (%(transfer)s)."),
                amount=format_yuan(transfer.amount),
                payee=project.organization.name,
                transfer_id=transfer.pk,
                transfer_url=fund_transfer_url(fund, transfer.pk) if fund else None,
            )
        return redirect("expenses:project-expenses", pk=project.pk)
    if expense.status != Expense.Status.APPROVED:
        messages.error(request, _("Only an approved claim can be paid."))
        return redirect("expenses:project-expenses", pk=project.pk)
    if expense.approved_by_id == request.user.pk:
        messages.error(request, _("You approved this claim: another person must pay it (two-person rule)."))
        return redirect("expenses:project-expenses", pk=project.pk)
    return money_confirm_render(request, confirm)


def _pay_confirm(project, expense) -> MoneyConfirm:
    return MoneyConfirm(
        title=_("Pay the claim"),
        question=_("Pay this approved expense claim to the organization?"),
        move=expense_pay_preview(expense=expense),
        subject=f"{project.title} · {expense.line.title} · {expense.payee}",
        submit_label=_("Pay"),
        cancel_url=reverse("expenses:project-expenses", args=[project.pk]),
    )


@login_required
@require_POST
def budget_line_revise(request, pk, lid):
    project = _project_for_parties(request, pk)
    line = get_object_or_404(BudgetLine, pk=lid, project=project)
    form = BudgetReviseForm(request.POST, prefix=f"l{line.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(m for msgs in form.errors.values() for m in msgs))
        return redirect("expenses:project-expenses", pk=project.pk)
    try:
        services.budget_line_revise(actor=request.user, line=line, **form.cleaned_data)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Budget line changed; the reason is recorded."))
    return redirect("expenses:project-expenses", pk=project.pk)


def expense_receipt(request, pk, eid, rid):
    """A claim's receipt for the claim's parties; 404 for anyone else (never a public URL)."""
    project = _project_for_parties(request, pk)
    expense = _expense(project, eid)
    receipt = object_or_404(expense_receipt_get_for_user, user=request.user, expense=expense, pk=rid)
    return private_file_response(receipt.file, download_name=receipt.name)


def project_budget(request, pk):
    """Public: budget against actual per line (the reviewers' view of a closed project links here)."""
    project = object_or_404(project_get_for_user, user=request.user, pk=pk)
    services.budget_lines_ensure(project=project)
    lines = list(budget_lines_with_totals(project=project))
    return render(
        request,
        "expenses/project_budget.html",
        {"project": project, "lines": lines, "totals": budget_totals(lines)},
    )
