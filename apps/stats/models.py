from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupFigures(models.Model):
    """The summed figures of a rollup row (daily or monthly)."""

    needs_published = models.PositiveIntegerField(default=0)
    needs_awarded = models.PositiveIntegerField(default=0)
    needs_failed = models.PositiveIntegerField(default=0)
    # Days from publication to award of needs awarded that day: {"12": 3, "15": 1} — a histogram,
    # so the median over any period and area is exact.
    award_days = models.JSONField(default=dict)
    hours_confirmed = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    beneficiaries_served = models.PositiveIntegerField(default=0)
    funds_in_fen = models.BigIntegerField(default=0)
    funds_out_fen = models.BigIntegerField(default=0)
    work_orders = models.PositiveIntegerField(default=0)
    work_orders_closed = models.PositiveIntegerField(default=0)
    work_orders_on_time = models.PositiveIntegerField(default=0)
    work_orders_reopened = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupFigures):
    """Figures of one community on one day and need category. Dashboards sum these instead of
    scanning raw rows; ``apps.stats.services.rollup_rebuild`` recomputes any period from the
    source tables. ``category`` is the need category code of what the row counts (needs, their
    projects' hours and payouts); "" holds what belongs to no need category (money in, work
    orders), so the unfiltered figures are the sum over every row."""

    community = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(db_index=True)
    category = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "date", "category"], name="rollup_one_per_community_day_cat")
        ]
        indexes = [models.Index(fields=["date", "community"]), models.Index(fields=["category", "date"])]


class MonthlyRollup(RollupFigures):
    """The daily rollups of one community, calendar month and category, summed (``month`` is the
    month's first day). Rebuilt from the daily rows by ``rollup_rebuild`` for every month it
    touches; dashboards read whole months here and only the partial months' days from the daily
    rows, so a two-year district view sums hundreds of rows instead of ~100,000."""

    community = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    category = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month", "category"], name="rollup_one_per_community_month_cat"
            )
        ]
        indexes = [models.Index(fields=["month", "community"])]


class HoursPlan(models.Model):
    """Service hours the community plans for a whole project, spread evenly over its days; the
    scorecard compares confirmed hours with the plan's share of the period."""

    project = models.OneToOneField("projects.Project", on_delete=models.PROTECT, related_name="hours_plan")
    planned_hours = models.DecimalField(
        _("planned hours"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
