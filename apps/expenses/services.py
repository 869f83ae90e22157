"""Writes of budget lines and expense claims. One service per state transition; each owns its
transaction and locks.

Money: an approved claim is paid out of the project's grant reservation (the one its milestones
are paid from, ``apps.funds.payouts.project_reservation``) by posting the claim's amount of it to
the organization, once: idempotency key ``expense:<id>:payout``, under the claim's row lock, so a
second or concurrent pay finds it paid and books nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import (
    is_platform_staff,
    user_community_ids,
    user_fund_ids,
    user_organization_ids,
    users_with_role,
)
from apps.core.dates import local_date
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.money import decimal_to_fen, format_yuan
from apps.core.uploads import validate_upload
from apps.expenses.models import BudgetLine, BudgetRevision, Expense, ExpenseReceipt
from apps.expenses.selectors import expense_payout_key, line_remaining, project_fund, reservation_left_fen
from apps.funds.payouts import project_reservation
from apps.ledger.models import Transfer
from apps.ledger.services import transfer_post_pending
from apps.notifications.services import notify
from apps.projects.models import Project

MAX_RECEIPTS = 10
RECEIPT_KINDS = ("pdf", "image")
CENT = Decimal("0.01")


# --- budget lines ---------------------------------------------------------------------------------


@transaction.atomic
def budget_lines_ensure(*, project: Project) -> None:
    """Give the project its budget lines from the winning proposal's budget, once (the lines are
    made on first use: projects made before expenses existed, or in bulk, have none yet)."""
    if BudgetLine.objects.filter(project=project).exists():
        return
    Project.objects.select_for_update().filter(pk=project.pk).first()  # two first uses make them once
    if BudgetLine.objects.filter(project=project).exists():
        return
    for position, source in enumerate(project.proposal.budget_lines.all()):
        BudgetLine.objects.create(
            project=project, proposal_line=source, title=source.item, amount=source.amount, position=position
        )


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(field_errors={field: [_("Enter an amount in yuan, such as 120.50.")]}) from None
    if Decimal(str(value)) != amount:
        raise ValidationFailed(field_errors={field: [_("At most two decimal places (fen).")]})
    return amount


def _can_revise(actor, project: Project) -> bool:
    return project.community_id in user_community_ids(actor) or is_platform_staff(actor)


@transaction.atomic
def budget_line_revise(*, actor, line: BudgetLine, amount, reason: str, title: str = "") -> BudgetLine:
    """The community's staff change a line's budget (and title), recording the reason. The budget
    never goes below what is already claimed on the line."""
    line = BudgetLine.objects.select_for_update().select_related("project").get(pk=line.pk)
    if not _can_revise(actor, line.project):
        raise PermissionDenied(_("Only the community's staff may revise the budget."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for the change.")]})
    amount = _money(amount, "amount")
    if amount < 0:
        raise ValidationFailed(field_errors={"amount": [_("A budget cannot be negative.")]})
    claimed = line.amount - line_remaining(line)
    if amount < claimed:
        raise ValidationFailed(
            field_errors={
                "amount": [
                    _("%(claimed)s is already claimed on this line: the budget cannot be lower.")
                    % {"claimed": format_yuan(decimal_to_fen(claimed))}
                ]
            }
        )
    title = (title or "").strip()[:120] or line.title
    BudgetRevision.objects.create(
        line=line,
        old_title=line.title,
        new_title=title,
        old_amount=line.amount,
        new_amount=amount,
        reason=reason[:500],
        revised_by=actor,
    )
    line.title = title
    line.amount = amount
    line.save(update_fields=["title", "amount"])
    return line


# --- claims ---------------------------------------------------------------------------------------


def _checked_receipts(receipts) -> list[str]:
    """The sniffed MIME type of each receipt (PDF or image, by content, at most 10 MB), or a 400 on
    ``receipts`` naming every bad file; at least one receipt."""
    if not receipts:
        raise ValidationFailed(field_errors={"receipts": [_("Attach at least one receipt (a PDF or a photo).")]})
    if len(receipts) > MAX_RECEIPTS:
        raise ValidationFailed(field_errors={"receipts": [_("At most %(n)s receipts.") % {"n": MAX_RECEIPTS}]})
    mimes, errors = [], []
    for uploaded in receipts:
        name = (uploaded.name or "").rsplit("/", 1)[-1][:80]
        try:
            mimes.append(validate_upload(uploaded, kinds=RECEIPT_KINDS))
        except ValidationError as exc:
            if exc.code == "type":
                errors.append(_("%(name)s: a receipt is a PDF or an image (checked by its content).") % {"name": name})
            else:
                errors.extend(f"{name}: {message}" for message in exc.messages)
    if errors:
        raise ValidationFailed(field_errors={"receipts": errors})
    return mimes


def _over_message(remaining: Decimal) -> str:
    return _("This is more than the line's remaining budget of %(remaining)s.") % {
        "remaining": format_yuan(decimal_to_fen(max(remaining, Decimal(0))))
    }


def _staff(project: Project):
    return users_with_role(Role.COMMUNITY_STAFF, community=project.community_id)


def _fund_managers(project: Project):
    fund = project_fund(project)
    return users_with_role(Role.FUND_MANAGER, fund=fund.pk) if fund else []


def _org_people(project: Project):
    return users_with_role((Role.ORG_ADMIN, Role.ORG_MEMBER), organization=project.organization_id)


def _page(project: Project) -> str:
    return reverse("expenses:project-expenses", args=[project.pk])


@transaction.atomic
def expense_submit(
    *,
    actor,
    project: Project,
    line: BudgetLine,
    amount,
    spent_on: dt.date,
    payee: str,
    description: str = "",
    receipts=(),
) -> Expense:
    """The project's organization claims an expense against one of its budget lines, with
    receipts. Refused: no or bad receipts, an amount of zero or less or over the line's remaining
    budget, a date outside the project's period, a project that is no longer active."""
    if project.organization_id not in user_organization_ids(actor):
        raise PermissionDenied(_("Only the project's organization may claim its expenses."))
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)  # claims on one line are serialised
    if line.project_id != project.pk:
        raise ValidationFailed(field_errors={"budget_line": [_("This budget line is not of the project.")]})
    if project.status != Project.Status.ACTIVE:
        raise StateConflict(_("The project is closed: no more expenses can be claimed."))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationFailed(field_errors={"amount": [_("An expense is more than zero.")]})
    remaining = line_remaining(line)
    if amount > remaining:
        raise ValidationFailed(field_errors={"amount": [_over_message(remaining)]})
    if not (project.start_date <= spent_on <= project.end_date):
        raise ValidationFailed(
            field_errors={
                "spent_on": [
                    _("The expense must be dated within the project's period, %(start)s to %(end)s.")
                    % {"start": local_date(project.start_date), "end": local_date(project.end_date)}
                ]
            }
        )
    if spent_on > timezone.localdate():
        raise ValidationFailed(
            field_errors={"spent_on": [_("An expense is claimed once it is spent: the date is in the future.")]}
        )
    payee = (payee or "").strip()
    if not payee:
        raise ValidationFailed(field_errors={"payee": [_("Name who was paid.")]})
    receipts = list(receipts or ())
    mimes = _checked_receipts(receipts)
    expense = Expense.objects.create(
        project=project,
        line=line,
        amount=amount,
        spent_on=spent_on,
        payee=payee[:120],
        description=(description or "").strip()[:2000],
        submitted_by=actor,
    )
    for uploaded, mime in zip(receipts, mimes, strict=True):
        ExpenseReceipt.objects.create(
            expense=expense,
            file=uploaded,
            name=(uploaded.name or "receipt").rsplit("/", 1)[-1][:200],
            mime=mime,
            size=uploaded.size,
            uploaded_by=actor,
        )
    notify(
        users=_staff(project),
        kind="payout",
        title=_("An expense claim of %(amount)s on %(project)s waits for your approval")
        % {"amount": format_yuan(decimal_to_fen(amount)), "project": project.title},
        url=_page(project),
    )
    return expense


def _locked(expense: Expense) -> Expense:
    return Expense.objects.select_for_update().select_related("project", "line").get(pk=expense.pk)


@transaction.atomic
def expense_approve(*, actor, expense: Expense) -> Expense:
    """The community's staff approve a submitted claim. The line's approved total never exceeds
    its budget (checked again under the line's lock)."""
    expense = _locked(expense)
    project = expense.project
    if project.community_id not in user_community_ids(actor):
        raise PermissionDenied(_("Only the community's staff may approve expenses."))
    if expense.status != Expense.Status.SUBMITTED:
        raise StateConflict(_("Only a submitted claim can be approved."))
    line = BudgetLine.objects.select_for_update().get(pk=expense.line_id)
    approved = sum(
        line.expenses.filter(status__in=Expense.APPROVED_STATUSES).values_list("amount", flat=True), Decimal(0)
    )
    if approved + expense.amount > line.amount:
        raise ValidationFailed(field_errors={"amount": [_over_message(line.amount - approved)]})
    expense.status = Expense.Status.APPROVED
    expense.approved_by = actor
    expense.approved_at = timezone.now()
    expense.save(update_fields=["status", "approved_by", "approved_at"])
    notify(
        users=_fund_managers(project),
        kind="payout",
        title=_("An approved expense claim of %(amount)s on %(project)s waits to be paid")
        % {"amount": format_yuan(decimal_to_fen(expense.amount)), "project": project.title},
        url=_page(project),
    )
    return expense


@transaction.atomic
def expense_reject(*, actor, expense: Expense, reason: str) -> Expense:
    """The community's staff reject a submitted claim, or the fund manager an approved one they
    will not pay; the reason goes to the organization. The line's budget is freed."""
    expense = _locked(expense)
    project = expense.project
    staff = project.community_id in user_community_ids(actor)
    fund = project_fund(project)
    manager = fund is not None and fund.pk in user_fund_ids(actor)
    if not (staff or manager):
        raise PermissionDenied(_("Only the community's staff or the fund manager may reject expenses."))
    if expense.status == Expense.Status.SUBMITTED and not staff:
        raise PermissionDenied(_("The community's staff decide on a submitted claim."))
    if expense.status == Expense.Status.APPROVED and not manager:
        raise StateConflict(_("This claim is already approved: only the fund manager may still refuse to pay it."))
    if expense.status not in (Expense.Status.SUBMITTED, Expense.Status.APPROVED):
        raise StateConflict(_("This claim is already paid or rejected."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give a reason.")]})
    expense.status = Expense.Status.REJECTED
    expense.rejected_by = actor
    expense.rejected_at = timezone.now()
    expense.rejected_reason = reason[:500]
    expense.save(update_fields=["status", "rejected_by", "rejected_at", "rejected_reason"])
    notify(
        users=_org_people(project),
        kind="payout",
        title=_("Your expense claim of %(amount)s on %(project)s was rejected: %(reason)s")
        % {"amount": format_yuan(decimal_to_fen(expense.amount)), "project": project.title, "reason": reason[:200]},
        url=_page(project),
    )
    return expense


@transaction.atomic
def expense_pay(*, actor, expense: Expense) -> Transfer:
    """The fund manager pays an approved claim out of the project's grant reservation: the claim's
    amount of it is posted to the organization, once (the claim's row lock and the idempotency
    key ``expense:<id>:payout``). The person who approved the claim may not pay it."""
    expense = _locked(expense)
    project = expense.project
    fund = project_fund(project)
    if fund is None or fund.pk not in user_fund_ids(actor):
        raise PermissionDenied(_("Only the manager of the project's fund may pay expenses."))
    if expense.status == Expense.Status.PAID:
        raise StateConflict(_("This claim is already paid."))
    if expense.status != Expense.Status.APPROVED:
        raise StateConflict(_("Only an approved claim can be paid."))
    if expense.approved_by_id == actor.pk:
        raise PermissionDenied(_("You approved this claim: another person must pay it (two-person rule)."))
    reservation = project_reservation(project)
    if reservation is None:
        raise StateConflict(_("The project has no grant reserved in the fund: this claim cannot be paid here."))
    reservation = Transfer.objects.select_for_update().get(pk=reservation.pk)
    if reservation.status != Transfer.Status.PENDING:
        raise StateConflict(_("The project's grant reservation is used up or released: nothing is left to pay from."))
    amount = decimal_to_fen(expense.amount)
    left = reservation_left_fen(reservation)
    if amount > left:
        raise StateConflict(
            _("Only %(left)s is left of the project's grant reservation.") % {"left": format_yuan(left)}
        )
    transfer = transfer_post_pending(
        key=expense_payout_key(expense),
        pending=reservation,
        amount=amount,
        kind="grant_payout",
        memo=f"{project.title} · {expense.line.title} · {expense.payee}"[:500],
        reference=f"project:{project.pk}",
    )
    expense.status = Expense.Status.PAID
    expense.paid_by = actor
    expense.paid_at = timezone.now()
    expense.save(update_fields=["status", "paid_by", "paid_at"])
    notify(
        users=_org_people(project),
        kind="payout",
        title=_("Your expense claim of %(amount)s on %(project)s was paid")
        % {"amount": format_yuan(amount), "project": project.title},
        url=_page(project),
    )
    return transfer
