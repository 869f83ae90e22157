from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from apps.notifications.models import Notification


@shared_task
def notification_email_task(notification_ids: list[int]) -> int:
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("user")
    for n in pending:
        if n.user.email:
            link = f"{settings.SITE_BASE_URL}{n.url}" if n.url else ""
            send_mail(n.title, f"{n.body}\n\n{link}".strip(), None, [n.user.email], fail_silently=True)
            sent += 1
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return sent
