"""The daily digest goes through the outbox (#23): one row per user per day, so a rerun of the
job sends one mail, and a failed send is retried by the relay."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.notifications.digest import send_daily_digests
from apps.notifications.models import DigestRun, Notification, OutboxMessage
from apps.notifications.outbox import outbox_relay
from apps.notifications.services import notification_preference_set, notify
from tests.notifications.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    user = make_user(username="alice")
    notification_preference_set(user=user, kind="need_published", in_app=True, email=True, digest=True)
    return user


def _park(user, title):
    notify(users=[user], kind="need_published", title=title, body="请查看。", url="/needs/1/")


def _morning(days=0):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(8, 0)))


def test_a_rerun_of_the_digest_sends_one_mail(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _park(alice, "新需求 甲")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=_morning()) == 1
    assert [m.to for m in mail.outbox] == [[alice.email]]
    row = OutboxMessage.objects.get(key=f"digest:{alice.pk}:{timezone.localdate().isoformat()}")
    assert row.status == OutboxMessage.Status.SENT
    # the job runs again the same day: as if it had died before recording its run, and forced
    DigestRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=_morning() + dt.timedelta(hours=1)) == 0
        assert send_daily_digests(now=_morning() + dt.timedelta(hours=2), force=True) == 0
    assert len(mail.outbox) == 1
    # a notification parked after the day's digest waits for tomorrow's, not lost, not a second mail today
    with django_capture_on_commit_callbacks(execute=True):
        _park(alice, "新需求 乙")
        assert send_daily_digests(now=_morning() + dt.timedelta(hours=3), force=True) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get(title="新需求 乙").digest_pending
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=_morning(days=1)) == 1
    assert len(mail.outbox) == 2
    assert "新需求 乙" in mail.outbox[1].body and "新需求 甲" not in mail.outbox[1].body


def test_a_failed_digest_send_is_retried_by_the_relay(alice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    FlakyBackend.failures = 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _park(alice, "新需求 丙")
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests(now=_morning()) == 1
        assert mail.outbox == []
        row = OutboxMessage.objects.get(key__startswith="digest:")
        assert row.status == OutboxMessage.Status.FAILED and "smtp server down" in row.last_error
        # the notification counts as handed over: a rerun does not queue it again
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests(now=_morning(), force=True) == 0
        assert outbox_relay(now=row.next_attempt_at + dt.timedelta(seconds=1)) == 1
        assert len(mail.outbox) == 1 and "新需求 丙" in mail.outbox[0].body
        assert outbox_relay(now=timezone.now() + dt.timedelta(days=1)) == 0
        assert len(mail.outbox) == 1
    finally:
        FlakyBackend.failures = 0
