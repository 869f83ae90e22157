from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.notifications.models import Notification, OutboxAttachment, OutboxMessage
from apps.notifications.outbox import OUTBOX_MAX_ATTEMPTS, outbox_send
from apps.notifications.selectors import (
    DEFAULT_PREFERENCE,
    EMAIL_IMMEDIATE_DAILY_LIMIT,
    emails_sent_since,
    preferences_by_user,
)

logger = logging.getLogger(__name__)


@shared_task
def notification_email_task(notification_ids: list[int]) -> int:
    """Mail each notification now, or park it for the daily digest, as its user prefers.

    A user who already had ``EMAIL_IMMEDIATE_DAILY_LIMIT`` mails in the last 24 hours gets the
    rest in the digest, so nobody receives fifty mails a day.
    """
    return _notification_emails(notification_ids)


def notification_emails_queue(notification_ids: list[int]) -> None:
    """After the commit of ``notify()``: hand the mails to a worker. With the broker down, the
    request that notified has already saved its work and must not fail: the mails are written to
    the outbox here instead (one transaction, without trying the broker again for each), and the
    relay job (``notifications_outbox_relay``) sends them on its next run."""
    try:
        notification_email_task.delay(notification_ids)
    except OperationalError:
        logger.warning(
            "notifications %s: broker down; their mails wait in the outbox for the relay job", notification_ids
        )
        with transaction.atomic():
            _notification_emails(notification_ids, enqueue=False)


def _notification_emails(notification_ids: list[int], *, enqueue: bool = True) -> int:
    sent = 0
    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True, digest_pending=False
        ).select_related("user")
    )
    by_kind: dict[str, dict[int, dict]] = {}
    for n in pending:
        if n.kind not in by_kind:
            by_kind[n.kind] = preferences_by_user({m.user_id for m in pending if m.kind == n.kind}, n.kind)
    sent_count: dict[int, int] = {}
    for n in pending:
        pref = by_kind[n.kind].get(n.user_id, DEFAULT_PREFERENCE)
        if not pref["email"] or not n.user.email:
            continue
        if n.user_id not in sent_count:
            sent_count[n.user_id] = emails_sent_since(n.user, now - dt.timedelta(hours=24))
        if pref["digest"] or sent_count[n.user_id] >= EMAIL_IMMEDIATE_DAILY_LIMIT:
            n.digest_pending = True
            n.save(update_fields=["digest_pending"])
            continue
        link = f"{settings.SITE_BASE_URL}{n.url}" if n.url else ""
        outbox_message_add(
            to=n.user.email,
            subject=n.title,
            body=f"{n.body}\n\n{link}".strip(),
            key=f"notification:{n.pk}",
            enqueue=enqueue,
        )
        sent += 1
        sent_count[n.user_id] += 1
        n.emailed_at = now
        n.save(update_fields=["emailed_at"])
    return sent


@shared_task(bind=True, max_retries=OUTBOX_MAX_ATTEMPTS)
def outbox_send_task(self, message_id: int) -> str:
    """Send one outbox row; after a failure Celery tries again after the row's pause (in eager
    mode, where a retry would run at once, the relay job retries it instead)."""
    outcome = outbox_send(message_id=message_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in.total_seconds())
    return outcome.status


def outbox_message_add(
    *, to: str, subject: str, body: str, key: str, headers: dict | None = None, attachments=None, enqueue: bool = True
) -> OutboxMessage:
    """Write one outbox row (or find the one with this key) and send it after commit (or, with
    ``enqueue=False``, when the broker is known to be down, leave it to the relay job)."""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key[:200],
                to=to,
                subject=subject[:200],
                body=body,
                headers=headers or {},
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key[:200])
    OutboxAttachment.objects.bulk_create(
        OutboxAttachment(message=message, filename=filename[:200], mimetype=mimetype[:100], content=bytes(content))
        for filename, content, mimetype in attachments or ()
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    try:
        outbox_send_task.delay(message_id)
    except OperationalError:  # the broker is down: the relay job sends it on its next run
        logger.warning("outbox: mail %s not queued (broker down); the relay job will send it", message_id)
