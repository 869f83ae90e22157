from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.selectors import (
    DEFAULT_PREFERENCE,
    EMAIL_IMMEDIATE_DAILY_LIMIT,
    emails_sent_since,
    preferences_by_user,
)


@shared_task
def notification_email_task(notification_ids: list[int]) -> int:
    """Mail each notification now, or park it for the daily digest, as its user prefers.

    A user who already had ``EMAIL_IMMEDIATE_DAILY_LIMIT`` mails in the last 24 hours gets the
    rest in the digest, so nobody receives fifty mails a day.
    """
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
        send_mail(n.title, f"{n.body}\n\n{link}".strip(), None, [n.user.email], fail_silently=True)
        sent += 1
        sent_count[n.user_id] += 1
        n.emailed_at = now
        n.save(update_fields=["emailed_at"])
    return sent


@shared_task
def address_email_task(to: str, subject: str, body: str, headers: dict | None = None) -> int:
    """Mail someone who has no account (a resident who reported without one), by address."""
    message = EmailMessage(subject, body, None, [to], headers=headers or {})
    return message.send(fail_silently=True)
