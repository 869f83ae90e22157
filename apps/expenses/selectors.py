"""Reads of budget lines and expense claims."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import CharField, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from apps.core.money import MoneyMove, decimal_to_fen
from apps.expenses.models import BudgetLine, BudgetRevision, Expense
from apps.funds.payouts import project_reservation
from apps.funds.selectors import fund_account_display
from apps.ledger.models import Transfer
from apps.ledger.services import pending_remaining

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _total(statuses) -> Coalesce:
    return Coalesce(Sum("expenses__amount", filter=Q(expenses__status__in=statuses)), ZERO)


def budget_lines_with_totals(*, project) -> QuerySet[BudgetLine]:
    """The project's lines, each with ``claimed`` (every claim not rejected), ``approved``
    (approved or paid), ``paid`` and ``remaining`` (budget less claimed: what a new claim may
    still take). One query."""
    return (
        BudgetLine.objects.filter(project=project)
        .annotate(
            claimed=_total(Expense.LIVE_STATUSES),
            approved=_total(Expense.APPROVED_STATUSES),
            paid=_total([Expense.Status.PAID]),
        )
        .annotate(remaining=F("amount") - F("claimed"), unspent=F("amount") - F("paid"))
        .order_by("position", "id")
    )


def budget_totals(lines) -> dict:
    """The sums of the lines' columns (for a table's last row)."""
    keys = ("amount", "claimed", "approved", "paid", "remaining", "unspent")
    return {k: sum((getattr(line, k) for line in lines), Decimal("0.00")) for k in keys}


def line_remaining(line: BudgetLine) -> Decimal:
    claimed = line.expenses.filter(status__in=Expense.LIVE_STATUSES).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return line.amount - claimed


def expense_list(*, project) -> QuerySet[Expense]:
    """The project's claims with their receipts and ``payout_transfer_id`` (the ledger transfer
    that paid it, or None): three queries, however many claims."""
    payout = Transfer.objects.filter(
        key=Concat(Value("expense:"), Cast(OuterRef("pk"), CharField()), Value(":payout"))
    ).values("pk")[:1]
    return (
        Expense.objects.filter(project=project)
        .select_related("line", "submitted_by", "approved_by", "rejected_by", "paid_by")
        .prefetch_related("receipts")
        .annotate(payout_transfer_id=Subquery(payout))
    )


def budget_revisions(*, project) -> QuerySet[BudgetRevision]:
    return BudgetRevision.objects.filter(line__project=project).select_related("line", "revised_by").order_by("-id")


def expense_payout_transfer(*, expense: Expense) -> Transfer | None:
    return Transfer.objects.filter(key=expense_payout_key(expense)).first()


def expense_payout_key(expense: Expense) -> str:
    return f"expense:{expense.pk}:payout"


def project_fund(project):
    """The fund a project is paid from (the project's, else its need's), or None."""
    return project.fund or project.need.fund


def reservation_left_fen(reservation: Transfer) -> int:
    """What is left of a two-leg reservation to post, in fen."""
    return max(pending_remaining(reservation).values(), default=0)


def expense_pay_preview(*, expense: Expense) -> MoneyMove:
    """What paying the approved claim would move, from which of the fund's money to whom; moves
    nothing (``services.expense_pay`` pays)."""
    project = expense.project
    payee = project.organization.name
    amount = decimal_to_fen(expense.amount)
    reservation = project_reservation(project)
    fund = project_fund(project)
    if reservation is None or fund is None:
        return MoneyMove(amount_fen=amount, source="—", payee=payee)
    source = next(leg.account for leg in reservation.legs.select_related("account") if leg.amount > 0)
    notes = [_("The payment comes out of the project's grant reservation and is booked in the fund's public books.")]
    return MoneyMove(amount_fen=amount, source=fund_account_display(fund, source), payee=payee, notes=notes)
