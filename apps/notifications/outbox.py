"""Sending the e-mail outbox (``OutboxMessage``): one attempt at one row, and the relay that
re-sends what is due. Used by the Celery task and the scheduled job; rows are written by
``services.outbox_mail``.

A row is claimed by one status transition (queued/failed → sending, an UPDATE that only one
worker can win), sent, then marked sent. A worker that dies between claiming and marking leaves
the row "sending" until its lease ends; the relay job then sends it again."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

OUTBOX_MAX_ATTEMPTS = getattr(settings, "OUTBOX_MAX_ATTEMPTS", 5)
# How long a claimed row is left to its sender before the relay job takes it back.
SEND_LEASE = dt.timedelta(minutes=10)
RELAY_BATCH = 200


def outbox_backoff(attempts: int) -> dt.timedelta:
    """Pause before the next attempt after ``attempts`` failed ones: 1, 4, 16, 64 minutes…"""
    return dt.timedelta(minutes=min(4 ** max(attempts - 1, 0), 6 * 60))


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "retry", "failed" (gave up), "skipped" (not ours to send)
    retry_in: dt.timedelta | None = None


def outbox_message_id(key: str) -> str:
    """The ``Message-ID`` of the row with this key: the same on every attempt, so a mail sent a
    second time (a worker killed between the server's accept and the row's mark) carries the id of
    the first, and a receiving server or client that drops repeated ids shows it once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "sanshe.local"
    return f"<outbox.{digest}@{domain}>"


def _build(message: OutboxMessage) -> EmailMessage:
    headers = {"Message-ID": outbox_message_id(message.key), **(message.headers or {})}
    email = EmailMessage(message.subject, message.body, None, [message.to], headers=headers)
    for a in message.attachments.all():
        email.attach(a.filename, bytes(a.content), a.mimetype)
    return email


def outbox_send(*, message_id: int, relay: bool = False, now: dt.datetime | None = None) -> SendOutcome:
    """Try to send one row once. The task sends a queued or failed row whatever its time (Celery
    waited the pause); the relay only rows that are due, and rows whose sender's lease ended."""
    now = now or timezone.now()
    claimable = Q(status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED])
    claimable &= Q(attempts__lt=OUTBOX_MAX_ATTEMPTS)
    if relay:
        claimable = (claimable & Q(next_attempt_at__lte=now)) | Q(
            status=OutboxMessage.Status.SENDING, next_attempt_at__lte=now
        )
    with transaction.atomic():
        claimed = OutboxMessage.objects.filter(claimable, pk=message_id).update(
            status=OutboxMessage.Status.SENDING, next_attempt_at=now + SEND_LEASE
        )
    if not claimed:
        return SendOutcome("skipped")
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _build(message).send(fail_silently=False)
    except Exception as exc:  # whatever the mail server or backend raised: record it and retry
        return _record_failure(message, exc, now)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        last_error="",
    )
    return SendOutcome("sent")


def _record_failure(message: OutboxMessage, exc: Exception, now: dt.datetime) -> SendOutcome:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    gave_up = attempts >= OUTBOX_MAX_ATTEMPTS
    retry_in = None if gave_up else outbox_backoff(attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=None if gave_up else now + retry_in,
    )
    if gave_up:
        logger.error("outbox: gave up on mail %s (%s) after %d attempts: %s", message.pk, message.key, attempts, error)
        return SendOutcome("failed")
    logger.warning(
        "outbox: mail %s (%s) failed (attempt %d), retry in %s: %s", message.pk, message.key, attempts, retry_in, error
    )
    return SendOutcome("retry", retry_in)


def outbox_relay(*, now: dt.datetime | None = None) -> int:
    """Send every row that is due: queued rows whose task never ran (the broker was down at
    commit), failed rows whose pause is over, rows whose sender died. Returns how many were sent."""
    now = now or timezone.now()
    due = (
        Q(status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED], attempts__lt=OUTBOX_MAX_ATTEMPTS)
        | Q(status=OutboxMessage.Status.SENDING)
    ) & Q(next_attempt_at__lte=now)
    rows = list(
        OutboxMessage.objects.filter(due).order_by("next_attempt_at", "id").values_list("pk", "status")[:RELAY_BATCH]
    )
    sent = 0
    for pk, status in rows:
        outcome = outbox_send(message_id=pk, relay=True, now=now)
        if outcome.status == "sent":
            sent += 1
            if status == OutboxMessage.Status.SENDING:
                # its sender died after claiming it: perhaps after the mail server accepted it
                logger.warning("outbox: mail %s sent again after its sender's lease ended (may be a repeat)", pk)
    return sent
