from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from apps.notifications.kinds import KINDS, kind_label
from apps.notifications.models import Notification, NotificationPreference, OutboxMessage

DEFAULT_PREFERENCE = {"in_app": True, "email": True, "digest": False}
# Past this many immediate mails in 24 hours, further mails wait for the daily digest.
EMAIL_IMMEDIATE_DAILY_LIMIT = getattr(settings, "NOTIFICATIONS_EMAIL_DAILY_LIMIT", 10)


def notifications_for_user(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user, shown=True)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, shown=True, read_at__isnull=True).count()


def preferences_by_user(user_ids, kind: str) -> dict[int, dict]:
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind)
    return {p.user_id: {"in_app": p.in_app, "email": p.email, "digest": p.digest} for p in rows}


def preference_table(user) -> list[dict]:
    """Every known kind plus any kind the user has received, with the user's current choice."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    kinds = list(KINDS)
    received = Notification.objects.filter(user=user).values_list("kind", flat=True).distinct()
    for k in sorted(set(received) | set(stored)):
        if k not in kinds:
            kinds.append(k)
    rows = []
    for k in kinds:
        p = stored.get(k)
        values = {"in_app": p.in_app, "email": p.email, "digest": p.digest} if p else dict(DEFAULT_PREFERENCE)
        rows.append({"kind": k, "label": kind_label(k), **values})
    return rows


def emails_sent_since(user, since: dt.datetime) -> int:
    return Notification.objects.filter(user=user, emailed_at__gte=since, digest_pending=False).count()


def outbox_problem_counts() -> dict[str, int]:
    """Mails that gave up (failed, no next attempt) and mails waiting to be retried."""
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED)
    return {
        "failed": failed.filter(next_attempt_at__isnull=True).count(),
        "waiting": failed.filter(next_attempt_at__isnull=False).count(),
    }
