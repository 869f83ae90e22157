"""With a broker configured (CI's PostgreSQL run), tasks go through Redis to a real worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction

from apps.notifications.models import Notification
from apps.notifications.services import notify
from marketplace.celery import app

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs CELERY_BROKER_URL (CI sets a Redis broker)"),
]


@pytest.mark.django_db(transaction=True)
def test_notification_mail_is_sent_by_a_real_worker(make_user, mailoutbox):
    user = make_user()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
        with transaction.atomic():
            notify(users=[user], kind="test.worker", title="工人测试", body="由真实的 Celery worker 发送")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if Notification.objects.filter(user=user, emailed_at__isnull=False).exists():
                break
            time.sleep(0.2)
    assert Notification.objects.get(user=user).emailed_at is not None
    assert [m.subject for m in mailoutbox] == ["工人测试"]
