"""Equity cooperation (股份合作): a community cooperative, its share register, its recorded yearly
profits and profit distributions. The register is a journal of share entries (issues and
transfers) whose sum per holder equals the holder's ``shares``; the database refuses negative
holdings.

Money only moves out of what the cooperative has: a year's profit is first recorded
(``CooperativeProfit``, with the year's financial statement) as income to the cooperative's own
ledger account; a distribution is declared against it and books nothing until the community
fund's manager approves it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import private_storage

MONEY = {"max_digits": 14, "decimal_places": 2}


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=120)
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="cooperatives", limit_choices_to={"level": "community"}
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cooperatives",
        help_text=_("The cooperative's registered organization, if any (used for the social-enterprise dividend cap)."),
    )
    registered_capital = models.DecimalField(_("registered capital"), **MONEY)
    registered_on = models.DateField(
        _("registered on"),
        null=True,
        blank=True,
        help_text=_("The cooperative's founding (registration) date; profits can be recorded from that year on."),
    )
    public_welfare_percent = models.DecimalField(
        _("public-welfare share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the profit left after losses and the statutory reserve paid to the community fund."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("community cooperative")
        verbose_name_plural = _("community cooperatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0),
                violation_error_message=_("Registered capital must not be negative."),
                name="coop_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(public_welfare_percent__gte=0) & Q(public_welfare_percent__lte=100),
                violation_error_message=_("The public welfare share must be between 0 and 100 percent."),
                name="coop_welfare_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cooperative-page", args=[self.pk])

    @property
    def founding_year(self) -> int:
        """The first fiscal year: the cooperative's registration date's year, else its registered
        organization's, else the year it was entered on the platform."""
        if self.registered_on is not None:
            return self.registered_on.year
        if self.organization_id is not None:
            return self.organization.registered_on.year
        return timezone.localtime(self.created_at).year


class ShareHolder(models.Model):
    class HolderType(models.TextChoices):
        COMMUNITY = "community", _("community")
        RESIDENT = "resident", _("resident")
        ORGANIZATION = "organization", _("organization")
        COMPANY = "company", _("company")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="holders")
    name = models.CharField(_("name"), max_length=120)
    holder_type = models.CharField(_("holder type"), max_length=12, choices=HolderType.choices)
    shares = models.PositiveBigIntegerField(_("shares"), default=0)
    certificate_no = models.CharField(_("certificate number"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="share_holdings"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shares", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gte=0),
                violation_error_message=_("Shares must not be negative."),
                name="coop_holder_shares_not_negative",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "certificate_no"],
                violation_error_message=_("This share certificate number is already in use."),
                name="coop_holder_certificate_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.shares})"


class ShareTransfer(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="share_transfers")
    from_holder = models.ForeignKey(ShareHolder, on_delete=models.PROTECT, related_name="transfers_out")
    to_holder = models.ForeignKey(ShareHolder, on_delete=models.PROTECT, related_name="transfers_in")
    shares = models.PositiveBigIntegerField(_("shares"))
    transferred_on = models.DateField(_("transferred on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                violation_error_message=_("Transfer at least one share."),
                name="coop_transfer_positive",
            ),
            models.CheckConstraint(
                condition=~Q(from_holder=F("to_holder")),
                violation_error_message=_("A holder cannot transfer shares to themselves."),
                name="coop_transfer_two_holders",
            ),
        ]


class ShareEntry(models.Model):
    """One movement of the register: an issue (+) or either side of a transfer (−/+)."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("issue")
        TRANSFER = "transfer", _("transfer")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="share_entries")
    holder = models.ForeignKey(ShareHolder, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    delta = models.BigIntegerField()
    transfer = models.ForeignKey(ShareTransfer, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    effective_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(delta=0),
                violation_error_message=_("A share entry must change the holding."),
                name="coop_entry_not_zero",
            ),
            models.CheckConstraint(
                condition=~Q(kind="issue") | Q(delta__gt=0),
                violation_error_message=_("An issue must add shares."),
                name="coop_issue_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind="issue", transfer__isnull=True) | Q(kind="transfer", transfer__isnull=False),
                violation_error_message=_("A transfer entry must name its transfer, and an issue must not."),
                name="coop_entry_transfer_iff_kind",
            ),
        ]


def _statement_path(instance, filename: str) -> str:
    return f"cooperatives/{instance.cooperative_id}/statements/{instance.fiscal_year}/{filename[-100:]}"


class CooperativeProfit(models.Model):
    """A fiscal year's profit, recorded with the year's financial statement by the cooperative's
    managers, and booked as income to the cooperative's ``undistributed_profit`` account."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="profits")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.DecimalField(_("profit"), **MONEY)
    statement = models.FileField(
        _("financial statement"), storage=private_storage, upload_to=_statement_path, max_length=300
    )
    statement_name = models.CharField(max_length=200)
    statement_mime = models.CharField(max_length=100)
    transfer_id_text = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = _("recorded profit")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "fiscal_year"],
                violation_error_message=_("The profit for this fiscal year has already been recorded."),
                name="coop_one_profit_per_year",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                violation_error_message=_("The profit must be greater than zero."),
                name="coop_profit_positive",
            ),
        ]


class Distribution(models.Model):
    """A fiscal year's profit distribution. Every fen of ``distributable_profit`` is in exactly
    one of losses_covered, reserve, public_welfare, dividend_pool (= the allocations) or retained.

    Declared by the cooperative's managers (``created_by``), it books nothing until the
    community fund's manager, another person, approves it (or rejects it, freeing the year)."""

    class Status(models.TextChoices):
        DECLARED = "declared", _("declared, awaiting the fund manager's approval")
        APPROVED = "approved", _("approved and booked")
        REJECTED = "rejected", _("rejected")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="distributions")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    record_date = models.DateField(_("record date"))
    distributable_profit = models.DecimalField(_("distributable profit"), **MONEY)
    prior_losses = models.DecimalField(_("prior losses"), **MONEY)
    losses_covered = models.DecimalField(_("losses covered"), **MONEY)
    reserve = models.DecimalField(_("statutory reserve"), **MONEY)
    public_welfare = models.DecimalField(_("public welfare"), **MONEY)
    dividend_pool = models.DecimalField(_("dividend pool"), **MONEY)
    retained = models.DecimalField(_("retained (over the cap)"), **MONEY)
    statutory_reserve_percent = models.DecimalField(max_digits=5, decimal_places=2)
    public_welfare_percent = models.DecimalField(max_digits=5, decimal_places=2)
    dividend_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    policy_version = models.ForeignKey("core.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    transfer_id_text = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DECLARED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "fiscal_year"],
                condition=~Q(status="rejected"),
                violation_error_message=_("This fiscal year already has a distribution plan."),
                name="coop_one_live_distribution_per_year",
            ),
            models.CheckConstraint(
                # Rounded to the fen: SQLite adds decimals as binary floats (0.01 + 0.01 + 0.07 is
                # not 0.09 there), which refused an exact split; PostgreSQL's sum is exact anyway.
                condition=Q(
                    distributable_profit=Round(
                        F("losses_covered") + F("reserve") + F("public_welfare") + F("dividend_pool") + F("retained"),
                        2,
                    )
                ),
                violation_error_message=_("The parts of the distribution must add up to the profit."),
                name="coop_distribution_every_fen_once",
            ),
            models.CheckConstraint(
                condition=Q(losses_covered__gte=0)
                & Q(reserve__gte=0)
                & Q(public_welfare__gte=0)
                & Q(dividend_pool__gte=0)
                & Q(retained__gte=0),
                violation_error_message=_("No part of the distribution may be negative."),
                name="coop_distribution_parts_not_negative",
            ),
        ]


class DistributionAllocation(models.Model):
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="allocations")
    holder = models.ForeignKey(ShareHolder, on_delete=models.PROTECT, related_name="dividends")
    shares = models.PositiveBigIntegerField()
    amount = models.DecimalField(**MONEY)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payout_transfer_id_text = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "holder"],
                violation_error_message=_("This holder already has an allocation in this distribution."),
                name="coop_allocation_once_per_holder",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                violation_error_message=_("An allocation must not be negative."),
                name="coop_allocation_not_negative",
            ),
        ]
