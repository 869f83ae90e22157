from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.validators import validate_division_code


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        STREET = "street", _("street")
        COMMUNITY = "community", _("community")
        GRID = "grid", _("grid")

    LEVEL_DEPTH = {"city": 0, "district": 1, "street": 2, "community": 3, "grid": 4}

    # Statistical division codes have 12 digits; a grid's code is its community's code plus "-NN".
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of codes ("510100000000/510104000000/…/") so "in this area" is one prefix filter.
    path = models.CharField(max_length=140, db_index=True, editable=False)
    # The centre (WGS 84) of a community or grid, so maps and clients can place it; and for a grid
    # optionally its outline, a list of [lat, lon] corners. A position is matched to a community by
    # the outlines first, else by the nearest grid (or community) centre (selectors.community_at).
    lat = models.DecimalField(
        _("latitude of the centre"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    lon = models.DecimalField(
        _("longitude of the centre"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    outline = models.JSONField(_("outline"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    def clean(self):
        if self.level == self.Level.GRID:
            head, _sep, tail = self.code.partition("-")
            validate_division_code(head)
            if not (tail.isdigit() and 1 <= len(tail) <= 3):
                raise ValidationError({"code": _("A grid code is its community's code, a hyphen and a number.")})
        else:
            validate_division_code(self.code)

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

    def ancestor(self, level: str) -> "Region | None":
        node = self
        while node is not None and node.level != level:
            node = node.parent
        return node
