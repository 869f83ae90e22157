from apps.core.jobs import scheduled_job
from apps.ledger.services import digest_make


@scheduled_job("ledger_daily_digest")
def ledger_daily_digest():
    """Publish yesterday's head of every book (idempotent: run as often as you like)."""
    return len(digest_make())
