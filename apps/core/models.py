from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.accounting import ledger_account_codes_default, validate_ledger_account_codes


def localized_name(name: str, name_en: str) -> str:
    """The English name on English pages when there is one, the Chinese name otherwise."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


class Category(models.Model):
    """Service category of needs, skills and certifications (CONTRACT reference data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)


LEGAL_FORM_CODES = ("social_group", "social_service_org", "foundation", "company", "cooperative")


def validate_legal_forms(value: str) -> None:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = sorted(set(codes) - set(LEGAL_FORM_CODES))
    if not codes or unknown:
        raise ValidationError(
            _("Give one or more of %(known)s, separated by commas."), params={"known": ", ".join(LEGAL_FORM_CODES)}
        )


def _percent(**kwargs):
    return models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)], **kwargs
    )


class PolicyVersion(models.Model):
    """One version of every policy threshold. Rows are never edited: a change adds a version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    min_bidding_days = models.PositiveSmallIntegerField(_("minimum bidding days"), default=5)
    award_notice_days = models.PositiveSmallIntegerField(_("award notice days"), default=5)
    certification_notice_days = models.PositiveSmallIntegerField(_("certification notice days"), default=7)
    certificate_validity_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"), default=3, validators=[MinValueValidator(1)]
    )
    renewal_window_months = models.PositiveSmallIntegerField(_("renewal window (months)"), default=3)
    min_years_operating = models.PositiveSmallIntegerField(_("minimum years operating"), default=1)
    min_salaried_staff = models.PositiveSmallIntegerField(_("minimum salaried staff"), default=3)
    min_commercial_income_percent = _percent(verbose_name=_("minimum commercial income share (%)"), default=50)
    dividend_cap_percent = _percent(verbose_name=_("dividend cap (percentage of distributable profit)"), default=35)
    statutory_reserve_percent = _percent(verbose_name=_("statutory reserve (%)"), default=10)
    daily_hours_cap = models.DecimalField(
        _("daily hours cap"),
        max_digits=4,
        decimal_places=2,
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    late_logging_days = models.PositiveSmallIntegerField(_("late logging window (days)"), default=7)
    conflict_lookback_years = models.PositiveSmallIntegerField(_("conflict look-back (years)"), default=3)
    certification_pass_score = _percent(verbose_name=_("certification pass score"), default=60)
    # Added to CONTRACT's keys: values that were constants in the first version.
    allowed_legal_forms = models.CharField(
        _("legal forms eligible for certification"),
        max_length=200,
        default="company,social_service_org,cooperative",
        validators=[validate_legal_forms],
        help_text=_(
            "Comma-separated legal-form codes: social_group, social_service_org, foundation, company, cooperative."
        ),
    )
    annual_report_grace_days = models.PositiveSmallIntegerField(
        _("annual report grace (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    cooperative_community_majority = models.BooleanField(
        _("community must hold the majority of a cooperative's shares"), default=True
    )
    scorecard_weight_rating = _percent(verbose_name=_("scorecard weight: community rating (%)"), default=30)
    scorecard_weight_milestones = _percent(verbose_name=_("scorecard weight: milestones on time (%)"), default=25)
    scorecard_weight_hours = _percent(verbose_name=_("scorecard weight: hours against plan (%)"), default=25)
    scorecard_weight_dispatch = _percent(verbose_name=_("scorecard weight: dispatch results (%)"), default=20)
    api_token_days = models.PositiveSmallIntegerField(
        _("API token lifetime (days)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # Residents take part (#21).
    scorecard_weight_residents = _percent(
        verbose_name=_("scorecard weight: rating by the people served (%)"), default=0
    )
    suggestion_support_threshold = models.PositiveSmallIntegerField(
        _("supports that bring a suggestion to the community's staff"), default=10, validators=[MinValueValidator(1)]
    )
    suggestion_answer_days = models.PositiveSmallIntegerField(
        _("days to answer a suggestion before it goes to the street"), default=14, validators=[MinValueValidator(1)]
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("radius for similar reports (metres)"), default=50, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    open311_anonymous_posts = models.BooleanField(_("Open311 takes reports without an API key"), default=False)
    question_deadline_days = models.PositiveSmallIntegerField(
        _("questions close this many days before the bid deadline"), default=2
    )
    clarification_extension_days = models.PositiveSmallIntegerField(
        _("days a changed condition adds to the bid deadline"), default=3
    )
    # Services in the field (#22).
    shift_cancel_hours = models.PositiveSmallIntegerField(_("hours before a shift to cancel in time"), default=24)
    checkin_code_seconds = models.PositiveSmallIntegerField(
        _("check-in code lifetime (seconds)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(3600)]
    )
    checkin_window_minutes = models.PositiveSmallIntegerField(
        _("check-in window around a shift's start (minutes)"), default=30
    )
    checkin_radius_m = models.PositiveIntegerField(
        _("check-in radius (metres)"), default=200, validators=[MinValueValidator(10), MaxValueValidator(5000)]
    )
    checkin_rounding_minutes = models.PositiveSmallIntegerField(
        _("checked hours round down to (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    checkout_grace_minutes = models.PositiveSmallIntegerField(_("check-out grace after a shift (minutes)"), default=60)
    ce_hours_assistant = models.PositiveSmallIntegerField(
        _("continuing education hours per period: assistant social worker"), default=72
    )
    ce_hours_social_worker = models.PositiveSmallIntegerField(
        _("continuing education hours per period: social worker and above"), default=90
    )
    # Books for accountants (#23): see apps/core/accounting.py.
    ledger_account_codes = models.JSONField(
        _("account codes of the non-profit accounting system for the ledger's accounts and transfer kinds"),
        default=ledger_account_codes_default,
        validators=[validate_ledger_account_codes],
        help_text=_(
            "accounts: owner:kind → code (a trailing * covers a prefix); transfers: transfer kind → "
            "income or expense code; names: code → [Chinese name, English name]."
        ),
    )

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return f"v{self.version}"

    POLICY_KEYS = (
        "min_bidding_days",
        "award_notice_days",
        "certification_notice_days",
        "certificate_validity_years",
        "renewal_window_months",
        "min_years_operating",
        "min_salaried_staff",
        "min_commercial_income_percent",
        "dividend_cap_percent",
        "statutory_reserve_percent",
        "daily_hours_cap",
        "late_logging_days",
        "conflict_lookback_years",
        "certification_pass_score",
        "allowed_legal_forms",
        "annual_report_grace_days",
        "cooperative_community_majority",
        "scorecard_weight_rating",
        "scorecard_weight_milestones",
        "scorecard_weight_hours",
        "scorecard_weight_dispatch",
        "api_token_days",
        "scorecard_weight_residents",
        "suggestion_support_threshold",
        "suggestion_answer_days",
        "duplicate_radius_m",
        "open311_anonymous_posts",
        "question_deadline_days",
        "clarification_extension_days",
        "shift_cancel_hours",
        "checkin_code_seconds",
        "checkin_window_minutes",
        "checkin_radius_m",
        "checkin_rounding_minutes",
        "checkout_grace_minutes",
        "ce_hours_assistant",
        "ce_hours_social_worker",
        "ledger_account_codes",
    )
    SCORECARD_WEIGHT_KEYS = (
        "scorecard_weight_rating",
        "scorecard_weight_milestones",
        "scorecard_weight_hours",
        "scorecard_weight_dispatch",
        "scorecard_weight_residents",
    )

    def clean(self):
        total = sum(Decimal(getattr(self, key) or 0) for key in self.SCORECARD_WEIGHT_KEYS)
        if total != 100:
            raise ValidationError(
                {
                    key: _("The scorecard weights must sum to 100 (now %(total)s).") % {"total": total}
                    for key in self.SCORECARD_WEIGHT_KEYS
                }
            )

    @property
    def legal_forms(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.allowed_legal_forms.split(",") if code.strip())

    def values(self) -> dict:
        return {key: getattr(self, key) for key in self.POLICY_KEYS}
