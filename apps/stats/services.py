from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from apps.accounts.selectors import user_community_ids
from apps.core.bulk import BATCH, rows_insert
from apps.core.errors import PermissionDenied
from apps.stats.models import DailyRollup, HoursPlan, MonthlyRollup
from apps.stats.providers import PROVIDERS, Figures
from apps.stats.selectors import SUMMED


def figures_compute(*, date_from: dt.date, date_to: dt.date) -> Figures:
    """Every provider's figures for the period, merged per community and day."""
    merged: Figures = defaultdict(dict)
    for provide in PROVIDERS:
        for key, values in provide(date_from, date_to).items():
            merged[key].update(values)
    return merged


@transaction.atomic
def rollup_rebuild(*, date_from: dt.date, date_to: dt.date) -> int:
    """Recompute the daily rollups of a period from the source tables (safe to repeat)."""
    DailyRollup.objects.filter(date__gte=date_from, date__lte=date_to).delete()
    rows = [
        {"community_id": community_id, "date": day, "category": category or "", **values}
        for (community_id, day, category), values in figures_compute(date_from=date_from, date_to=date_to).items()
        if community_id is not None
    ]
    _rows_write(DailyRollup, rows)
    _monthly_rebuild(date_from=date_from, date_to=date_to)
    return len(rows)


def _rows_write(model, rows: list[dict]) -> None:
    """Insert rollup rows (field values by attname; the rest take their defaults) without model
    instances or reading ids back (COPY on PostgreSQL): a month of the city's rollups is half a
    million rows, which ``bulk_create`` took minutes to write."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    for i in range(0, len(rows), BATCH):
        rows_insert(
            model,
            fields,
            [tuple({**defaults, **row}[f.attname] for f in fields) for row in rows[i : i + BATCH]],
        )


def _monthly_rebuild(*, date_from: dt.date, date_to: dt.date) -> None:
    """Sum the daily rows of every month touched by the period into its monthly rows."""
    first = date_from.replace(day=1)
    last = (date_to.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    MonthlyRollup.objects.filter(month__gte=first, month__lte=last).delete()
    daily = DailyRollup.objects.filter(date__gte=first, date__lte=last)
    histograms: dict = defaultdict(Counter)
    for community_id, day, category, award_days in daily.exclude(award_days={}).values_list(
        "community_id", "date", "category", "award_days"
    ):
        histograms[(community_id, day.replace(day=1), category)].update({k: int(v) for k, v in award_days.items()})
    rows = [
        {
            "community_id": row["community_id"],
            "month": row["m"],
            "category": row["category"],
            "award_days": dict(histograms.get((row["community_id"], row["m"], row["category"]), {})),
            **{f: row[f] for f in SUMMED},
        }
        for row in daily.annotate(m=TruncMonth("date"))
        .values("community_id", "m", "category")
        .annotate(**{f: Sum(f) for f in SUMMED})
        .order_by()
    ]
    _rows_write(MonthlyRollup, rows)


def _community_staff_of(actor, project) -> None:
    if project.community_id not in user_community_ids(actor):
        raise PermissionDenied(_("Only the staff of the project's community do this."))


@transaction.atomic
def hours_plan_set(*, actor, project, planned_hours) -> HoursPlan:
    """The community states the service hours it plans for the whole project (replaces the last)."""
    _community_staff_of(actor, project)
    plan, _created = HoursPlan.objects.update_or_create(
        project=project, defaults={"planned_hours": planned_hours, "set_by": actor}
    )
    return plan
