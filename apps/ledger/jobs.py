from django.utils import timezone

from apps.core.jobs import scheduled_job
from apps.ledger.services import digest_make, leg_partitions_ensure


@scheduled_job("ledger_daily_digest")
def ledger_daily_digest():
    """Publish yesterday's head of every book (idempotent: run as often as you like)."""
    return len(digest_make())


@scheduled_job("ledger_leg_partitions")
def ledger_leg_partitions() -> list[int]:
    """The legs' partitions of this year and the next (PostgreSQL): next year's exists from the
    first run of the year on, long before its first transfer."""
    return leg_partitions_ensure(today=timezone.localdate())
