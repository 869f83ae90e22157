from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.uploads import private_storage


class SocialWorker(models.Model):
    """A certified social worker's profile and qualification."""

    class Level(models.TextChoices):
        ASSISTANT = "assistant", _("assistant social worker")
        INTERMEDIATE = "intermediate", pgettext_lazy("worker level", "social worker")
        SENIOR = "senior", _("senior social worker")

    LEVEL_RANK = {"assistant": 1, "intermediate": 2, "senior": 3}

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worker_profile")
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=40, unique=True)
    registered_until = models.DateField(_("registration valid until"))
    skills = models.ManyToManyField("core.Category", blank=True, related_name="workers")
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    qualified_since = models.DateField(_("qualified since"), null=True, blank=True)
    public_profile = models.BooleanField(_("show my record publicly"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("worker-detail-page", args=[self.pk])

    @property
    def masked_certificate_no(self) -> str:
        no = self.certificate_no
        if len(no) <= 4:
            return "*" * len(no)
        return no[:2] + "*" * (len(no) - 4) + no[-2:]


# A registration (登记) of the national social-work certificate is valid for three years; each
# registration period needs its own continuing education. This is the registration's own term,
# not a threshold the platform tunes (the hours required per period are policy values).
REGISTRATION_PERIOD_YEARS = 3


def _certificate_path(instance, filename: str) -> str:
    return f"workers/{instance.worker_id}/trainings/{filename[-100:]}"


class Training(models.Model):
    """A piece of continuing education (继续教育) a worker completed, with its certificate, verified
    or rejected by an administrator of an organization that employs the worker."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training")
        COURSE = "course", _("course")
        DEGREE = "degree", _("degree study")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("training status", "waiting for verification")
        VERIFIED = "verified", pgettext_lazy("training status", "verified")
        REJECTED = "rejected", pgettext_lazy("training status", "rejected")

    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(pgettext_lazy("training", "hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    certificate = models.FileField(
        pgettext_lazy("training", "certificate"), storage=private_storage, upload_to=_certificate_path, max_length=300
    )
    certificate_name = models.CharField(max_length=200)
    certificate_mime = models.CharField(max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_for = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by organization"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("continuing education")
        verbose_name_plural = _("continuing education")
        indexes = [models.Index(fields=["worker", "status", "completed_on"], name="workers_training_period")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                violation_error_message=_("The hours must be more than zero."),
                name="workers_training_hours_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | models.Q(status__in=["verified", "rejected"], decided_at__isnull=False),
                violation_error_message=_("A decided training records when it was decided."),
                name="workers_training_decided_iff_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingWarning(models.Model):
    """A continuing-education warning sent to a worker, once per registration period and stage
    (days before the registration ends)."""

    worker = models.ForeignKey(SocialWorker, on_delete=models.CASCADE, related_name="+")
    period_end = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "period_end", "days_before"],
                violation_error_message=_("This warning has already been sent."),
                name="workers_training_warning_once",
            )
        ]
