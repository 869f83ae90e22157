"""The daily digest: one mail per user per local day with every notification waiting for it.

Each user's mail is an outbox row with the key ``digest:<user id>:<day>`` written in the same
transaction that marks their notifications mailed, so a rerun of the job (after a crash, or
forced) queues nothing twice, and a failed send is retried by the outbox, never lost. A
notification that arrives after the user's digest went out waits for the next day's."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.notifications.models import DigestRun, Notification, OutboxMessage
from apps.notifications.services import outbox_mail

DIGEST_HOUR = 7  # local time; the digest goes out on the first run_scheduled after 07:00


def digest_key(user_id: int, day: dt.date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


@transaction.atomic
def _digest_user(*, user, items: list[Notification], day: dt.date, now: dt.datetime) -> bool:
    """Queue one user's digest and mark its notifications mailed, together. False (and nothing
    marked) when this user's digest for ``day`` is already in the outbox."""
    key = digest_key(user.pk, day)
    mailed = False
    if user.email:
        if OutboxMessage.objects.filter(key=key).exists():
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your daily digest: %(n)d notifications") % {"n": len(items)}
            text = render_to_string(
                "notifications/digest_email.txt",
                {"user": user, "items": items, "base_url": settings.SITE_BASE_URL},
            )
        outbox_mail(to=user.email, subject=subject, body=text, key=key)
        mailed = True
    Notification.objects.filter(pk__in=[n.pk for n in items], emailed_at__isnull=True).update(
        emailed_at=now, digest_pending=False
    )
    return mailed


def send_daily_digests(*, now: dt.datetime | None = None, force: bool = False) -> int:
    """Queue one digest mail per user with notifications waiting for it, once per local day;
    returns how many were queued. The day's ``DigestRun`` is written when the run ends, so a run
    that died half-way is finished by the next one (the keys keep the users already done from a
    second mail)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    if not force and (local.hour < DIGEST_HOUR or DigestRun.objects.filter(day=day).exists()):
        return 0
    pending = (
        Notification.objects.filter(digest_pending=True, emailed_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    mails = 0
    for _user_id, group in groupby(pending, key=lambda n: n.user_id):
        items = list(group)
        if _digest_user(user=items[0].user, items=items, day=day, now=now):
            mails += 1
    run, _created = DigestRun.objects.get_or_create(day=day)
    run.mails_sent = run.mails_sent + mails
    run.save(update_fields=["mails_sent"])
    return mails
