import datetime as dt

from django.utils import timezone

from apps.core.jobs import scheduled_job
from apps.stats.services import rollup_rebuild

# Late events (a confirmation of last week's hours, a refund) change past days, so the job
# recomputes a trailing window rather than only yesterday.
TRAILING_DAYS = 35


@scheduled_job("stats_rollup")
def stats_rollup() -> int:
    today = timezone.localdate()
    return rollup_rebuild(date_from=today - dt.timedelta(days=TRAILING_DAYS), date_to=today)
