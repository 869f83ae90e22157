"""Expense claims against a project's budget lines (项目报销).

A project's budget lines start as the winning proposal's budget; the community's staff may revise
a line, each change kept with its reason. The organization claims expenses against a line, with
receipts; the community's staff approve (or reject) and then the fund manager, another person,
pays the claim out of the project's grant reservation through the ledger, once.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.uploads import private_storage


class BudgetLine(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="budget_lines")
    proposal_line = models.ForeignKey(
        "bidding.ProposalBudgetLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("item"), max_length=120)
    amount = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "proposal_line"], name="expenses_line_once_per_proposal_line"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="expenses_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class BudgetRevision(models.Model):
    """One change of a budget line by the community's staff, with the reason they gave."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="revisions")
    old_title = models.CharField(max_length=120)
    new_title = models.CharField(max_length=120)
    old_amount = models.DecimalField(max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line_id", "created_at", "id"]


class Expense(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("expense status", "submitted")
        APPROVED = "approved", pgettext_lazy("expense status", "approved")
        REJECTED = "rejected", pgettext_lazy("expense status", "rejected")
        PAID = "paid", pgettext_lazy("expense status", "paid")

    LIVE_STATUSES = ("submitted", "approved", "paid")
    APPROVED_STATUSES = ("approved", "paid")

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="expenses")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenses")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    spent_on = models.DateField(_("spent on"))
    payee = models.CharField(_("payee"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_reason = models.CharField(_("reason for rejecting"), max_length=500, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expenses_expense_amount_positive"),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.line.title} · {self.amount}"


def _receipt_path(instance, filename):
    return f"expenses/{instance.expense_id}/{filename}"


class ExpenseReceipt(models.Model):
    """A receipt of a claim (PDF or image, checked by content): private storage, served only to
    the claim's parties after the access check."""

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="receipts")
    file = models.FileField(upload_to=_receipt_path, storage=private_storage, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expense_id", "id"]
