from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import private_storage


def _money(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])


class Application(models.Model):
    """An organization's application for social-enterprise certification (社会企业评审认定)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for changes")
        EXPERT_REVIEW = "expert_review", _("expert review")
        NOTICE = "notice", _("public notice")
        CERTIFIED = "certified", _("certified")
        REJECTED = "rejected", _("rejected")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    EDITABLE = ("draft", "returned")
    # The facts the applicant states and edits (the form, the API and the services read this list).
    FACT_FIELDS = (
        "salaried_staff",
        "revenue_total",
        "revenue_commercial",
        "profit_distributable",
        "profit_distributed",
        "mission_in_articles",
        "asset_lock",
        "mission_statement",
        "beneficiaries",
    )
    LIVE = ("draft", "submitted", "returned", "expert_review", "notice")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="certification_applications"
    )
    renewal_of = models.ForeignKey(
        "certification.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    policy = models.ForeignKey(
        "core.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The policy version in force at the first submission; the application is judged by it.",
    )
    salaried_staff = models.PositiveIntegerField(_("salaried staff"))
    revenue_total = _money(_("total revenue"))
    revenue_commercial = _money(_("commercial revenue"))
    profit_distributable = _money(_("distributable profit"))
    profit_distributed = _money(_("profit distributed"))
    mission_in_articles = models.BooleanField(_("social mission written in the articles"), default=False)
    asset_lock = models.BooleanField(_("asset lock in the articles"), default=False)
    mission_statement = models.TextField(_("mission statement"), max_length=5000)
    beneficiaries = models.TextField(_("beneficiaries"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    eligibility = models.JSONField(_("eligibility"), default=list)
    judged_on = models.DateField(_("judged on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), auto_now_add=True)
    preliminary_note = models.CharField(_("preliminary review note"), max_length=2000, blank=True)
    score_mean = models.DecimalField(_("mean score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("notice ends at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "stage_entered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue_commercial__lte=models.F("revenue_total")),
                violation_error_message=_("Commercial revenue must not exceed total revenue."),
                name="cert_commercial_within_total",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=["draft", "submitted", "returned", "expert_review", "notice"]),
                violation_error_message=_("This organization already has an application in progress."),
                name="cert_one_live_application_per_org",
            ),
        ]
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("certification-page", args=[self.pk])

    @property
    def eligible(self) -> bool:
        return bool(self.eligibility) and all(r.get("passed") for r in self.eligibility)


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), storage=private_storage, upload_to="certification/%Y/%m/")
    mime = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class ApplicationEvent(models.Model):
    """Audit trail: one row per transition (who, when, from, to, note)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    """Events store bare codes (so the trail survives a renamed status); pages show the label."""
    return str(Application.Status(status).label) if status in Application.Status.values else status


class PanelMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="panel")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certification_panels"
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    conflict = models.BooleanField(_("declared a conflict of interest"), default=False)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    recused = models.BooleanField(_("recused"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                violation_error_message=_("This expert is already on the panel."),
                name="cert_panel_unique_reviewer",
            )
        ]

    @property
    def may_review(self) -> bool:
        return self.declared_at is not None and not self.recused


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scored_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                violation_error_message=_("You have already scored this application."),
                name="cert_score_unique_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                violation_error_message=_("The score must be a whole number from 0 to 100."),
                name="cert_score_range",
            ),
        ]


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"), max_length=5000)
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(_("resolution"), max_length=2000, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]


class Certificate(models.Model):
    class Status(models.TextChoices):
        CERTIFIED = "certified", _("certified")
        SUSPENDED = "suspended", _("suspended")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="social_enterprise_certificates"
    )
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    certificate_no = models.CharField(_("certificate number"), max_length=20, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CERTIFIED, db_index=True
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=2000, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    renewal_notified_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=models.F("valid_until")),
                violation_error_message=_("The certificate must not expire before it takes effect."),
                name="cert_validity_order",
            )
        ]
        verbose_name = _("social-enterprise certificate")
        verbose_name_plural = _("social-enterprise certificates")

    def __str__(self) -> str:
        return self.certificate_no

    def get_absolute_url(self) -> str:
        return reverse("certificate-page", args=[self.certificate_no])


class AnnualReport(models.Model):
    """The yearly report a certified enterprise owes on each anniversary of its certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="annual_reports")
    period = models.PositiveSmallIntegerField(_("certificate year"))
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), max_length=10000, blank=True)
    revenue_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    revenue_commercial = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    profit_distributed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "period"],
                violation_error_message=_("A report for this year has already been filed."),
                name="cert_one_report_per_year",
            )
        ]
