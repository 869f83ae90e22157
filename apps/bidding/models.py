from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.uploads import private_storage
from apps.workers.models import SocialWorker


class Need(models.Model):
    """A community's published need (需求), open for sealed bids until ``bid_deadline``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("open for bids")
        EVALUATING = "evaluating", _("under evaluation")
        NOTICE = "notice", _("award notice")
        # The notice ended but the award can no longer become a project (``stalled_reason`` says
        # why); staff are notified and decide. No job retries it.
        STALLED = "stalled", _("award stalled")
        AWARDED = "awarded", _("awarded")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", pgettext_lazy("tender status", "failed")

    # What a community's staff write on a need, in the order forms and the API show it (the form,
    # the API serializer and the services read this list); the community is chosen once, at creation.
    EDITABLE_FIELDS = (
        "title",
        "description",
        "category",
        "beneficiaries",
        "beneficiary_group",
        "budget_min",
        "budget_max",
        "service_start",
        "service_end",
        "min_worker_level",
        "workers_needed",
        "bid_deadline",
        "fund",
    )

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="needs", limit_choices_to={"level": "community"}
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=10000)
    category = models.ForeignKey(
        "core.Category", on_delete=models.PROTECT, related_name="needs", verbose_name=_("category")
    )
    beneficiaries = models.PositiveIntegerField(_("number of beneficiaries"))
    beneficiary_group = models.CharField(_("beneficiary group"), max_length=120, blank=True)
    budget_min = models.DecimalField(_("minimum budget"), max_digits=12, decimal_places=2)
    budget_max = models.DecimalField(_("maximum budget"), max_digits=12, decimal_places=2)
    service_start = models.DateField(_("service start"))
    service_end = models.DateField(_("service end"))
    min_worker_level = models.CharField(_("minimum worker level"), max_length=12, choices=SocialWorker.Level.choices)
    workers_needed = models.PositiveSmallIntegerField(
        _("workers needed"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    bid_deadline = models.DateTimeField(_("bid deadline"), db_index=True)
    fund = models.ForeignKey(
        "funds.Fund",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("community fund"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    awarded_proposal = models.ForeignKey(
        "bidding.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("notice ends at"), null=True, blank=True)
    stalled_reason = models.CharField(_("why the award is stalled"), max_length=1000, blank=True)
    ranking = models.JSONField(_("ranking"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["category", "status"]),
            # The public list (everything but drafts, newest first): its page and its count read
            # this partial index alone (the drafts, with no published_at, sort first otherwise).
            models.Index(fields=["-published_at", "-id"], condition=~Q(status="draft"), name="need_public_recent"),
            models.Index(fields=["status", "-budget_max"], name="need_status_budget"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__lte=F("budget_max")),
                violation_error_message=_("The maximum budget must not be below the minimum budget."),
                name="need_budget_range",
            ),
            models.CheckConstraint(
                condition=Q(service_start__lte=F("service_end")),
                violation_error_message=_("The service must not end before it starts."),
                name="need_service_period",
            ),
            models.CheckConstraint(
                condition=Q(budget_min__gte=0),
                violation_error_message=_("The budget must not be negative."),
                name="need_budget_non_negative",
            ),
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bidding:need-detail", args=[self.pk])


class NeedText(models.Model):
    """The character grams of a need's title and description: the index behind the list's ``q``.

    Derived data kept by ``apps.bidding.text_index`` (see there); SQLite matches it through the
    FTS5 table ``bidding_needtext_fts``, PostgreSQL through a GIN index on the gram array (both
    created in migration 0004)."""

    need = models.OneToOneField(Need, on_delete=models.CASCADE, primary_key=True, related_name="+")
    grams = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"need {self.need_id}"


class Proposal(models.Model):
    """An organization's sealed bid on a need. Never shown before the deadline but to its own org."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        INELIGIBLE = "ineligible", _("ineligible")
        AWARDED = "awarded", _("awarded")
        NOT_AWARDED = "not_awarded", _("not awarded")
        EXCLUDED = "excluded", _("excluded after objection")

    LIVE_STATUSES = ("draft", "submitted")

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="proposals")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), max_length=2000)
    approach = models.TextField(_("approach"), max_length=20000)
    total_amount = models.DecimalField(_("total amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    deadline_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organization"],
                condition=Q(status__in=["draft", "submitted"]),
                violation_error_message=_("This organization already has a live proposal for this need."),
                name="proposal_one_live_per_org",
            )
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.title} ({self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("bidding:proposal-detail", args=[self.pk])


class ProposalBudgetLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(_("item"), max_length=120)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class ProposalMilestone(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=120)
    due_date = models.DateField(_("due date"))
    payment_percent = models.DecimalField(
        _("payment share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class ProposalTeamMember(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="team")
    worker = models.ForeignKey("workers.SocialWorker", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "worker"],
                violation_error_message=_("A worker is on the team only once."),
                name="proposal_team_unique_worker",
            )
        ]


class PanelReviewer(models.Model):
    """A reviewer on a need's panel and their conflict-of-interest declaration."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="panel")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    declared_conflict = models.BooleanField(_("declared a conflict"), default=False)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    recused = models.BooleanField(_("recused"), default=False)
    recused_reason = models.CharField(_("reason for recusal"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "reviewer"],
                violation_error_message=_("This reviewer is already on the panel."),
                name="panel_unique_reviewer",
            )
        ]

    @property
    def may_review(self) -> bool:
        return self.declared_at is not None and not self.recused


class ProposalScore(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("scores by criterion"))
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    weighted_total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"],
                violation_error_message=_("You have already scored this proposal."),
                name="score_one_per_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(weighted_total__gte=0) & Q(weighted_total__lte=100),
                violation_error_message=_("The weighted total must be between 0 and 100."),
                name="score_weighted_total_range",
            ),
        ]


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection status", "open")
        UPHELD = "upheld", pgettext_lazy("objection status", "upheld")
        DISMISSED = "dismissed", pgettext_lazy("objection status", "dismissed")

    # A decision is a written reason of at least this many characters (Prozorro's complaints).
    DECISION_MIN_LENGTH = 20

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="objections")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="objections")
    # Who objected is shown to platform staff only (API, pages); the objector hears the decision.
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("grounds"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decision = models.TextField(_("decision"), max_length=5000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class Question(models.Model):
    """A clarification question on a need open for bids (Prozorro's enquiries), answered in public.

    Who asked (``organization``, ``asked_by``) is never shown to anyone: not in the API, pages, open
    data, search or notifications to others; an answer is public and goes to every organization that
    bid and everyone following the need."""

    TEXT_MAX_LENGTH = 2000

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="questions")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"), max_length=TEXT_MAX_LENGTH)
    asked_at = models.DateTimeField(_("asked at"), db_index=True)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Staff ticked "the answer changes the need's terms": the bid deadline moved from → to.
    changes_terms = models.BooleanField(_("the answer changes the need's terms"), default=False)
    deadline_extended_from = models.DateTimeField(null=True, blank=True)
    deadline_extended_to = models.DateTimeField(_("bid deadline extended to"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                violation_error_message=_("An answered question has an answer."),
                name="question_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(changes_terms=False) | Q(deadline_extended_to__isnull=False),
                violation_error_message=_("A change of terms records the extended deadline."),
                name="question_change_records_extension",
            ),
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"question {self.pk} on need {self.need_id}"


class NeedFollow(models.Model):
    """A signed-in user follows a need: they hear of its answers, deadline changes and award."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "user"],
                violation_error_message=_("You already follow this need."),
                name="need_follow_unique",
            )
        ]


def _attachment_path(instance, filename):
    return f"bidding/proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file attached to a sealed proposal: private storage, served only after the access check."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=private_storage, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
