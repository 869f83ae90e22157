"""Whole months of a dashboard period are read from the monthly rollups, partial months from the
daily ones: the figures are the same as summing every day."""

import datetime as dt

from apps.stats.models import DailyRollup, MonthlyRollup
from apps.stats.selectors import region_figures
from apps.stats.services import _monthly_rebuild


def test_period_mixing_whole_months_and_days_sums_every_day(city):
    start = dt.date(2025, 12, 20)
    days = [start + dt.timedelta(days=i) for i in range(75)]  # 20 Dec 2025 … 4 Mar 2026
    for i, day in enumerate(days):
        DailyRollup.objects.create(
            community=city.community,
            date=day,
            category="elderly" if i % 2 else "",
            needs_published=1,
            hours_confirmed=i,
            award_days={str(i % 7): 1} if i % 3 == 0 else {},
        )
    _monthly_rebuild(date_from=days[0], date_to=days[-1])
    assert MonthlyRollup.objects.filter(month=dt.date(2026, 1, 1)).count() == 2  # one per category
    assert sum(MonthlyRollup.objects.values_list("needs_published", flat=True)) == 75

    def expected(date_from, date_to, category=None):
        rows = [(i, d) for i, d in enumerate(days) if date_from <= d <= date_to]
        rows = [(i, d) for i, d in rows if category is None or (category == "elderly") == bool(i % 2)]
        awards = sorted(i % 7 for i, _ in rows if i % 3 == 0)
        return len(rows), f"{sum(i for i, _ in rows)}.00", awards

    for date_from, date_to, category in [
        (dt.date(2025, 12, 25), dt.date(2026, 2, 10), None),  # days, January whole, days
        (dt.date(2026, 1, 1), dt.date(2026, 2, 28), None),  # whole months only
        (dt.date(2026, 1, 1), dt.date(2026, 3, 4), "elderly"),
        (dt.date(2026, 2, 3), dt.date(2026, 2, 20), None),  # days only
    ]:
        figures = region_figures(region=city.community, date_from=date_from, date_to=date_to, category=category)
        published, hours, awards = expected(date_from, date_to, category)
        assert figures["needs_published"] == published
        assert figures["hours_confirmed"] == hours
        if awards:
            middle = (awards[(len(awards) - 1) // 2] + awards[len(awards) // 2]) / 2
            assert float(figures["median_days_to_award"]) == middle
