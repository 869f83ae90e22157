from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A handling unit for dispatched work orders."""

    class Kind(models.TextChoices):
        STREET_OFFICE = "street_office", _("street office section")
        DISTRICT_DEPARTMENT = "district_department", _("district department")
        ORGANIZATION = "organization", _("service organization")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["code"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")

    def __str__(self) -> str:
        return self.name
