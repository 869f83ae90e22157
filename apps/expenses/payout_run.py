"""Expense claims paid in a payout run: many approved claims in one database transaction, through
the ledger's batched path (``apps.ledger.batch``), each booked exactly as ``expense_pay`` books it
(key ``expense:<id>:payout``, the claim's amount posted from the project's grant reservation), so a
rerun, or ``expense_pay`` afterwards, finds it paid."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import user_fund_ids
from apps.core.errors import PermissionDenied, StateConflict
from apps.core.money import decimal_to_fen, format_yuan
from apps.expenses.models import Expense
from apps.expenses.selectors import expense_payout_key, project_fund
from apps.expenses.services import _org_people, _page
from apps.funds.payouts import project_reservation
from apps.ledger.batch import BatchOutcome, BatchTransfer, transfers_append_batch
from apps.notifications.services import notify


def expense_payouts_due() -> list[int]:
    """The approved claims not paid yet, by id."""
    return list(Expense.objects.filter(status=Expense.Status.APPROVED).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def expense_payouts_book(*, actor, expense_ids: list[int]) -> BatchOutcome:
    """Pay these approved claims in one transaction, each as ``expense_pay`` would: the rows locked,
    only the manager of the project's fund pays and never the person who approved the claim, the
    reservation must still cover it. Refused claims (``refused``, by ledger key) stay approved."""
    expenses = list(
        Expense.objects.select_for_update(of=("self",))
        .select_related("project__fund", "project__need__fund", "line")
        .filter(pk__in=expense_ids, status=Expense.Status.APPROVED)
        .order_by("pk")
    )
    funds = user_fund_ids(actor)
    reservations = {}
    refused = {}
    items = []
    for expense in expenses:
        project = expense.project
        key = expense_payout_key(expense)
        fund = project_fund(project)
        if fund is None or fund.pk not in funds:
            refused[key] = PermissionDenied(_("Only the manager of the project's fund may pay expenses."))
            continue
        if expense.approved_by_id == actor.pk:
            refused[key] = PermissionDenied(_("You approved this claim: another person must pay it (two-person rule)."))
            continue
        if project.pk not in reservations:
            reservations[project.pk] = project_reservation(project)
        if reservations[project.pk] is None:
            refused[key] = StateConflict(
                _("The project has no grant reserved in the fund: this claim cannot be paid here.")
            )
            continue
        item = BatchTransfer(
            key=key,
            kind="grant_payout",
            pending=reservations[project.pk],
            amount=decimal_to_fen(expense.amount),
            memo=f"{project.title} · {expense.line.title} · {expense.payee}"[:500],
            reference=f"project:{project.pk}",
        )
        items.append((expense, item))
    outcome = transfers_append_batch(transfers=[item for _expense, item in items])
    outcome.refused.update(refused)
    paid: dict[int, list] = {}  # per project, the claims paid by this batch
    for expense, item in items:
        if item.key in outcome.booked or item.key in outcome.existing:
            paid.setdefault(expense.project_id, []).append((expense, item))
    for claims in paid.values():
        _notify_paid(claims)
    Expense.objects.filter(pk__in=[e.pk for claims in paid.values() for e, _item in claims]).update(
        status=Expense.Status.PAID, paid_by=actor, paid_at=timezone.now()
    )
    return outcome


def _notify_paid(claims: list) -> None:
    """The project's organization hears of its claims paid by the batch: one message as
    ``expense_pay`` sends for a single claim, one summing them up for several (a city's run pays
    hundreds of one project's claims at once)."""
    project = claims[0][0].project
    if len(claims) == 1:
        title = _("Your expense claim of %(amount)s on %(project)s was paid") % {
            "amount": format_yuan(claims[0][1].amount),
            "project": project.title,
        }
    else:
        title = _("%(count)s expense claims on %(project)s were paid, %(amount)s in all") % {
            "count": len(claims),
            "amount": format_yuan(sum(item.amount for _expense, item in claims)),
            "project": project.title,
        }
    notify(users=_org_people(project), kind="payout", title=title, url=_page(project))
