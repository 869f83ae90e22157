from apps.core.jobs import scheduled_job
from apps.notifications.digest import send_daily_digests
from apps.notifications.outbox import outbox_relay


@scheduled_job("notifications_daily_digest")
def daily_digest() -> int:
    """Send the daily digest once per local day (after 07:00)."""
    return send_daily_digests()


@scheduled_job("notifications_outbox_relay")
def outbox_relay_job() -> int:
    """Send the outbox's mails that are due: never queued (broker down), to retry, or abandoned."""
    return outbox_relay()
