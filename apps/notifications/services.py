from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.core.pages import language_neutral_url
from apps.notifications.models import Notification, NotificationPreference, OutboxMessage
from apps.notifications.selectors import DEFAULT_PREFERENCE, preferences_by_user
from apps.notifications.tasks import notification_emails_queue, outbox_message_add


def notify(*, users: Iterable, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create in-app notifications and send e-mail after commit, as each user prefers.

    Callers pass final text: it must never carry sealed content (proposal amounts, names of
    bidders before the deadline). A user who turned off every channel for ``kind`` gets nothing.
    """
    users = {u for u in users if u is not None}
    prefs = preferences_by_user([u.pk for u in users], kind)
    rows = []
    for u in users:
        p = prefs.get(u.pk, DEFAULT_PREFERENCE)
        if not (p["in_app"] or p["email"]):
            continue
        rows.append(
            Notification(
                user=u,
                kind=kind[:60],
                title=title[:200],
                body=body,
                url=language_neutral_url(url)[:300],
                shown=p["in_app"],
                # read_at set for hidden rows so they never count as unread
                read_at=None if p["in_app"] else timezone.now(),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk]
    if ids:
        transaction.on_commit(lambda: notification_emails_queue(ids))
    return created


def outbox_mail(
    *,
    to: str,
    subject: str,
    body: str,
    key: str,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> OutboxMessage | None:
    """Queue one e-mail in the caller's transaction; a Celery task sends it after commit, retries
    it when the send fails, and never sends it twice. ``key`` names the message (e.g.
    ``receipt:<no>``): a second call with the same key adds nothing and returns the first row.
    ``attachments`` are ``(filename, content, mimetype)``. Returns None when ``to`` is empty."""
    if not to or not key:
        return None
    return outbox_message_add(to=to, subject=subject, body=body, key=key, headers=headers, attachments=attachments)


def mail_address(*, to: str, subject: str, body: str, headers: dict | None = None, key: str = "") -> None:
    """Mail an address with no account behind it (a resident following a report), through the
    outbox. Callers pass final text in the recipient's language, with an unsubscribe link; a
    ``key`` keeps the same mail from being queued twice (without one, each call is a new mail)."""
    outbox_mail(to=to, subject=subject, body=body, key=key or f"address:{uuid.uuid4().hex}", headers=headers)


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_resolve(*, user, kind: str, url: str) -> int:
    """Mark ``user``'s unread notifications of ``kind`` linking to ``url`` as read: they asked the
    user to do something on that page, and it is done (a reviewer declared), so they no longer
    wait among the unread."""
    return Notification.objects.filter(
        user=user, kind=kind, url=language_neutral_url(url), read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, user, kind: str, in_app: bool, email: bool, digest: bool) -> NotificationPreference:
    kind = (kind or "").strip()
    if not kind or len(kind) > 60:
        raise ValidationFailed(field_errors={"kind": [_("A notification kind of at most 60 characters.")]})
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": bool(in_app), "email": bool(email), "digest": bool(digest)}
    )
    return pref
