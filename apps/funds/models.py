from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Fund(models.Model):
    """A community fund (社区基金), hosted by a foundation. Its books live in apps.ledger."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    community = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="fund", limit_choices_to={"level": "community"}
    )
    host_name = models.CharField(_("host foundation"), max_length=120, default="成都市慈善总会")
    currency = models.CharField(max_length=3, default="CNY")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community fund")
        verbose_name_plural = _("community funds")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fund-detail-page", args=[self.pk])


class Donation(models.Model):
    """A donation through Stripe Checkout. Its money is booked in the ledger when paid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        REFUNDED = "refunded", _("refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        DISPUTED = "disputed", _("disputed")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    amount_fen = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    donor_name = models.CharField(_("donor name"), max_length=80, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    fee_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    receipt_no = models.CharField(max_length=64, unique=True, null=True, blank=True)
    schedule = models.ForeignKey(
        "funds.GivingSchedule", null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    # the invoice a monthly payment paid: one donation per invoice, whatever Stripe sends again
    stripe_invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def donor_display(self) -> str:
        return self.donor_name if (self.donor_name and not self.anonymous) else str(_("Anonymous donor"))


class ReceiptCounter(models.Model):
    """Sequential receipt numbers per fund and year (row-locked when taken): ``<fund code>-<year>-<seq>``.

    Rows with a ``host`` and no ``fund`` are the earlier counters per host foundation: the numbers
    they gave stay as they are, and they give no new ones."""

    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt_counters")
    host = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["host", "year"],
                condition=models.Q(fund__isnull=True),
                violation_error_message=_("This year's receipt counter already exists."),
                name="funds_receipt_counter_host_year",
            ),
            models.UniqueConstraint(
                fields=["fund", "year"],
                condition=models.Q(fund__isnull=False),
                violation_error_message=_("This year's receipt counter already exists."),
                name="funds_receipt_counter_fund_year",
            ),
        ]


class GivingSchedule(models.Model):
    """Monthly giving (定期捐赠): a Stripe subscription; each paid invoice books one donation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the first payment")
        ACTIVE = "active", _("active")
        PAST_DUE = "past_due", _("a payment failed")
        CANCELLED = "cancelled", _("cancelled")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="giving_schedules")
    amount_fen = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    donor_name = models.CharField(_("donor name"), max_length=80, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    next_payment_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def donor_display(self) -> str:
        return self.donor_name if (self.donor_name and not self.anonymous) else str(_("Anonymous donor"))


class StripeEvent(models.Model):
    """A Stripe event processed once; stored in the same transaction as its effect."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)


class RefundHold(models.Model):
    """A refund or dispute the fund could not absorb (the money was spent): for the fund manager."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="refund_holds")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="holds")
    amount_fen = models.BigIntegerField()
    reason = models.CharField(max_length=40)
    stripe_object_id = models.CharField(max_length=255, unique=True)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Resolution(models.TextChoices):
        FUND = "fund", _("Booked from the fund (money came back in)")
        HOST = "host", _("Covered by the host foundation")

    resolution = models.CharField(_("resolution"), max_length=8, choices=Resolution.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    resolved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="refund_hold"
    )

    class Meta:
        ordering = ["resolved", "-created_at", "-id"]


class Income(models.Model):
    """Money that came in outside Stripe, recorded by a fund manager."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="incomes")
    amount_fen = models.BigIntegerField()
    source = models.CharField(_("source"), max_length=200)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=120)
    transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="income")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "idempotency_key"],
                violation_error_message=_("This income has already been recorded."),
                name="funds_income_key",
            )
        ]
