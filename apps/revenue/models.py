"""Revenue share (项目分成): an agreement between a social enterprise and a community fund, and
the enterprise's revenue reports per period. Amounts are Decimal yuan; splits go through
apps.core.money.allocate in fen."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import private_storage

PERCENT = {"max_digits": 5, "decimal_places": 2}


class RevenueShareAgreement(models.Model):
    """The fund receives ``fund_share_percent`` of each approved period's revenue; further
    parties receive theirs; the organization keeps the rest, so the shares sum to 100."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="revenue_shares"
    )
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="revenue_shares")
    fund_share_percent = models.DecimalField(
        _("fund share (%)"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
        **PERCENT,
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("revenue-share agreement")
        verbose_name_plural = _("revenue-share agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")),
                violation_error_message=_("The agreement must not end before it starts."),
                name="revenue_agreement_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(fund_share_percent__gt=0) & Q(fund_share_percent__lte=100),
                violation_error_message=_("The fund's share must be more than 0 and at most 100 percent."),
                name="revenue_agreement_fund_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.fund} · {self.fund_share_percent}%"

    def get_absolute_url(self) -> str:
        return reverse("revenue-share-page", args=[self.pk])

    @property
    def organization_share_percent(self) -> Decimal:
        others = sum((p.percent for p in self.parties.all()), Decimal(0))
        return Decimal(100) - self.fund_share_percent - others


class RevenueShareParty(models.Model):
    """A further party of the agreement (e.g. a street's collective company) with its share."""

    agreement = models.ForeignKey(RevenueShareAgreement, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=120)
    percent = models.DecimalField(
        _("share (%)"), validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)], **PERCENT
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                violation_error_message=_("Each party's share must be more than 0 and at most 100 percent."),
                name="revenue_party_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percent}%"


class RevenueShareReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")
        SETTLED = "settled", _("settled")

    agreement = models.ForeignKey(RevenueShareAgreement, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    fund_amount = models.DecimalField(_("fund amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    organization_amount = models.DecimalField(
        _("organization amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    party_amounts = models.JSONField(_("further parties' amounts"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=2000)
    settled_at = models.DateTimeField(null=True, blank=True)
    receivable_transfer_id = models.CharField(max_length=64, blank=True)
    settlement_transfer_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("revenue report")
        verbose_name_plural = _("revenue reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                violation_error_message=_("The reporting period must not end before it starts."),
                name="revenue_report_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0),
                violation_error_message=_("Revenue must not be negative."),
                name="revenue_report_revenue_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "returned"])
                | (Q(fund_amount__isnull=False) & Q(organization_amount__isnull=False)),
                violation_error_message=_("An approved report needs the fund's and the organization's amounts."),
                name="revenue_report_approved_has_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.organization} {self.period_start}–{self.period_end}"


class RevenueReportAttachment(models.Model):
    report = models.ForeignKey(RevenueShareReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="revenue/%Y/%m/")
    name = models.CharField(max_length=200)
    mime = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
