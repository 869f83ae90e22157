from django.db import models


class DailyRollup(models.Model):
    """Figures of one community on one day. Dashboards sum these instead of scanning raw rows;
    ``apps.stats.services.rollup_rebuild`` recomputes any period from the source tables."""

    community = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(db_index=True)
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
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="rollup_one_per_community_day")]
        indexes = [models.Index(fields=["date", "community"])]
