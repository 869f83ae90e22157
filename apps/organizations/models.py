from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.validators import validate_credit_code


class Organization(models.Model):
    class LegalForm(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("social group")
        SOCIAL_SERVICE_ORG = "social_service_org", _("social service organization")
        FOUNDATION = "foundation", _("foundation")
        COMPANY = "company", _("company")
        COOPERATIVE = "cooperative", _("cooperative")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending verification")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")

    name = models.CharField(_("name"), max_length=120)
    legal_form = models.CharField(_("legal form"), max_length=24, choices=LegalForm.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    registered_on = models.DateField(_("registered on"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="organizations")
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    salaried_staff = models.PositiveIntegerField(_("salaried staff"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    followed_categories = models.ManyToManyField("core.Category", blank=True, related_name="+")
    followed_regions = models.ManyToManyField("regions.Region", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organization-detail-page", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED
