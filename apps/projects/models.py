from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        ACCEPTED = "accepted", _("accepted")
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

    class Meta:
        ordering = ["project_id", "position", "id"]
