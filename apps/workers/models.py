from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
