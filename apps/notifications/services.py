from collections.abc import Iterable

from django.db import transaction

from apps.notifications.models import Notification


def notify(*, users: Iterable, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create in-app notifications and send e-mail after commit.

    Callers pass final text: it must never carry sealed content (proposal amounts, names of
    bidders before the deadline).
    """
    created = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title[:200], body=body, url=url[:300]) for u in set(users)]
    )
    ids = [n.pk for n in created if n.pk]
    if ids:
        from apps.notifications.tasks import notification_email_task

        transaction.on_commit(lambda: notification_email_task.delay(ids))
    return created
