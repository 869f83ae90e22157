from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.notifications.models import DigestRun, Notification

DIGEST_HOUR = 7  # local time; the digest goes out on the first run_scheduled after 07:00


def send_daily_digests(*, now: dt.datetime | None = None, force: bool = False) -> int:
    """One mail per user with every notification waiting for the digest. Once per local day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if not force and local.hour < DIGEST_HOUR:
        return 0
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(day=local.date())
    except IntegrityError:
        if not force:
            return 0
        run = DigestRun.objects.get(day=local.date())
    pending = (
        Notification.objects.filter(digest_pending=True, emailed_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    mails = 0
    for _user_id, group in groupby(pending, key=lambda n: n.user_id):
        items = list(group)
        user = items[0].user
        if user.email:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Your daily digest: %(n)d notifications") % {"n": len(items)}
                text = render_to_string(
                    "notifications/digest_email.txt",
                    {"user": user, "items": items, "base_url": settings.SITE_BASE_URL},
                )
            send_mail(subject, text, None, [user.email], fail_silently=True)
            mails += 1
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now, digest_pending=False)
    run.mails_sent = run.mails_sent + mails
    run.save(update_fields=["mails_sent"])
    return mails
