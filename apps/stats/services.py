from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from apps.stats.models import DailyRollup
from apps.stats.providers import PROVIDERS, Figures


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
        DailyRollup(community_id=community_id, date=day, category=category or "", **values)
        for (community_id, day, category), values in figures_compute(date_from=date_from, date_to=date_to).items()
        if community_id is not None
    ]
    DailyRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
