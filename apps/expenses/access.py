"""Who may see which expense claim and receipt: the project's organization, its community's staff,
the manager of the fund it is paid from, and platform staff. Anyone else gets a NotFound (404),
never a hint; the public sees only the totals per budget line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.accounts.selectors import is_platform_staff, user_community_ids, user_fund_ids, user_organization_ids
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.expenses.models import BudgetLine, Expense, ExpenseReceipt


def _pk(value) -> int:
    pk = parse_id(value)
    if pk is None:
        raise NotFound(_("Not found."))
    return pk


def user_sees_expenses(user, project) -> bool:
    """The project's organization, its community's staff, its fund's manager and platform staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_staff(user):
        return True
    if project.organization_id in user_organization_ids(user):
        return True
    if project.community_id in user_community_ids(user):
        return True
    fund_id = project.fund_id or project.need.fund_id
    return fund_id is not None and fund_id in user_fund_ids(user)


def expense_get_for_user(*, user, pk) -> Expense:
    try:
        expense = Expense.objects.select_related("project", "project__need", "line").get(pk=_pk(pk))
    except Expense.DoesNotExist:
        raise NotFound(_("Not found.")) from None
    if not user_sees_expenses(user, expense.project):
        raise NotFound(_("Not found."))
    return expense


def expense_receipt_get_for_user(*, user, expense: Expense, pk) -> ExpenseReceipt:
    """A receipt of a claim the user may see (``expense_get_for_user`` first)."""
    if not user_sees_expenses(user, expense.project):
        raise NotFound(_("Not found."))
    try:
        return expense.receipts.get(pk=_pk(pk))
    except ExpenseReceipt.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def budget_line_get_for_user(*, user, project, pk) -> BudgetLine:
    """Budget lines are public (their totals are): any of the project's lines."""
    try:
        return BudgetLine.objects.select_related("project").get(pk=_pk(pk), project=project)
    except BudgetLine.DoesNotExist:
        raise NotFound(_("Not found.")) from None
