from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.uploads import private_storage


class Project(models.Model):
    """The contract that an award becomes: team, milestones and service hours hang off it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    need = models.OneToOneField("bidding.Need", on_delete=models.PROTECT, related_name="project")
    proposal = models.OneToOneField("bidding.Proposal", on_delete=models.PROTECT, related_name="project")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="projects")
    community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="projects")
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=120)
    amount = models.DecimalField(_("contract amount"), max_digits=12, decimal_places=2)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])


class ProjectTeamMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="team")
    worker = models.ForeignKey("workers.SocialWorker", on_delete=models.PROTECT, related_name="project_memberships")
    role = models.CharField(_("role in the team"), max_length=60)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]


class Milestone(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", pgettext_lazy("milestone status", "accepted")
        RETURNED = "returned", _("returned")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=120)
    due_date = models.DateField(_("due date"))
    payment_percent = models.DecimalField(_("payment share (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    report = models.TextField(_("report"), blank=True, max_length=20000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_amount = models.DecimalField(
        _("amount paid on acceptance"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["project_id", "position", "id"]


class ProjectTeamChange(models.Model):
    """Every change of a project's team, kept for the history (who joined or left, when, by whom)."""

    class Action(models.TextChoices):
        ADDED = "added", _("added")
        ENDED = "ended", _("left the team")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="team_changes")
    member = models.ForeignKey(ProjectTeamMember, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    effective_date = models.DateField(_("effective date"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "created_at", "id"]


class ServiceLogQuerySet(models.QuerySet):
    def counted(self):
        """The records that count (hours totals, figures, scorecards, service records): confirmed
        by the community and not replaced by a confirmed correction (``ServiceLog.counts``)."""
        return self.filter(status=ServiceLog.Status.CONFIRMED, superseded_at__isnull=True)


class ServiceLog(models.Model):
    """One service-hour record of a social worker on a project (谁记录谁证明: the worker records it,
    the organization approves, the community confirms; a confirmed record never changes)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    class Evidence(models.TextChoices):
        CONFIRMATION = "confirmation", _("community confirmation")
        CHECKIN = "checkin", _("check-in and check-out at the place")

    LIVE_STATUSES = ("submitted", "approved", "confirmed")

    worker = models.ForeignKey("workers.SocialWorker", on_delete=models.PROTECT, related_name="service_logs")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="service_logs")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    place = models.CharField(_("place"), max_length=200)
    content = models.TextField(_("service content"), max_length=2000)
    beneficiaries_served = models.PositiveIntegerField(
        _("beneficiaries served"), validators=[MaxValueValidator(100000)]
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_reason = models.CharField(_("reason for rejecting"), max_length=500, blank=True)
    superseded_at = models.DateTimeField(_("superseded by a confirmed correction at"), null=True, blank=True)
    # How the record is evidenced: the community confirms it afterwards, or (apps.shifts) the worker
    # checked in and out with the code of a community member present at the place, the witness.
    evidence = models.CharField(_("evidence"), max_length=12, choices=Evidence.choices, default=Evidence.CONFIRMATION)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witness_role = models.CharField(_("witness's role"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["worker", "date"]),
            models.Index(fields=["project", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                violation_error_message=_("The end time must be after the start time."),
                name="service_log_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                violation_error_message=_("The hours must be greater than zero."),
                name="service_log_hours_positive",
            ),
        ]
        verbose_name = _("service-hour record")
        verbose_name_plural = _("service-hour records")

    def __str__(self) -> str:
        return f"{self.worker} {self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def counts(self) -> bool:
        """Counted in totals: confirmed and not replaced by a confirmed correction."""
        return self.status == self.Status.CONFIRMED and self.superseded_at is None


class ServiceLogAmendment(models.Model):
    """A correction request for a confirmed record. The original stays untouched; the corrected
    values form a new record (``replacement``) that goes through approval and confirmation like
    any other. Once it is confirmed the original is marked superseded (and stops counting)."""

    original = models.ForeignKey(ServiceLog, on_delete=models.PROTECT, related_name="amendments")
    replacement = models.OneToOneField(ServiceLog, on_delete=models.PROTECT, related_name="amendment_of")
    reason = models.CharField(_("reason for the correction"), max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["original_id", "created_at", "id"]


class ServiceRecord(models.Model):
    """A worker's issued service record (PDF) with the number anyone can verify it by."""

    worker = models.ForeignKey("workers.SocialWorker", on_delete=models.PROTECT, related_name="service_records")
    verification_no = models.CharField(max_length=24, unique=True)
    total_hours = models.DecimalField(max_digits=10, decimal_places=2)
    records_count = models.PositiveIntegerField()
    # Blank: every counted record; "checkin": only those evidenced by check-in at the place.
    evidence = models.CharField(_("evidence"), max_length=12, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("projects:record-verify", args=[self.verification_no])


class ReminderSent(models.Model):
    """Marks a reminder as sent so each one goes out once."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                violation_error_message=_("This reminder has already been sent."),
                name="projects_reminder_once",
            )
        ]


class DeliveryRating(models.Model):
    """The community's rating of a project's delivery (1–5), given by its staff when they accept a
    milestone or at any time during the project. Feeds the joint-evaluation scorecard."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="delivery_ratings")
    milestone = models.OneToOneField(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="delivery_rating"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_on = models.DateField(_("rated on"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("Choose a rating from 1 to 5."),
                name="delivery_rating_1_to_5",
            )
        ]


def _milestone_attachment_path(instance, filename):
    return f"projects/milestones/{instance.milestone_id}/{filename}"


class MilestoneAttachment(models.Model):
    """A file attached to a milestone report (PDF, image or Office document, checked by content):
    private storage, served only to the project's parties after the access check."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_milestone_attachment_path, storage=private_storage, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["milestone_id", "id"]
