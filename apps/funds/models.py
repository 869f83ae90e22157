from django.db import models
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
