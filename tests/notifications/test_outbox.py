"""The e-mail outbox: a mail is a row written in the caller's transaction, sent after commit,
retried after a failed send, and never sent twice."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.core.jobs import run_due_jobs
from apps.notifications.models import OutboxMessage
from apps.notifications.outbox import OUTBOX_MAX_ATTEMPTS, outbox_relay
from apps.notifications.services import mail_address, outbox_mail
from apps.notifications.tasks import outbox_send_task
from tests.factories.core import UserFactory
from tests.notifications.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def _mail(**kw):
    args = {"to": "donor@example.org", "subject": "收据", "body": "谢谢您的捐赠。", "key": "receipt:R-1"}
    return outbox_mail(**(args | kw))


def test_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _mail(headers={"List-Unsubscribe": "<https://example.org/u/>"})
        assert mail.outbox == []  # nothing leaves before commit
    assert [m.to for m in mail.outbox] == [["donor@example.org"]]
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == "<https://example.org/u/>"
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1 and row.sent_at is not None


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _mail()
                raise RuntimeError("the caller's work failed")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_a_repeated_send_carries_the_same_message_id(django_capture_on_commit_callbacks):
    # A worker killed between the server's accept and the row's mark: the relay sends it again
    # after the lease; both copies carry one Message-ID derived from the key, so receivers dedupe.
    with django_capture_on_commit_callbacks(execute=True):
        row = _mail()
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.SENDING, next_attempt_at=timezone.now())
    assert outbox_relay(now=timezone.now() + dt.timedelta(minutes=11)) == 1
    first, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == second and first.startswith("<outbox.") and first.endswith("@sanshe.local>")
    with django_capture_on_commit_callbacks(execute=True):
        other = _mail(key="receipt:R-2")
    assert mail.outbox[-1].message()["Message-ID"] != first and other.pk != row.pk


def test_same_key_is_one_row_and_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _mail()
        second = _mail(subject="另一封")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["收据"]


def test_duplicate_trigger_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _mail()
    outbox_send_task.delay(row.pk)
    outbox_send_task.delay(row.pk)
    assert outbox_relay(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_failed_send_is_recorded_and_retried(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        row = _mail()
    row.refresh_from_db()
    assert mail.outbox == []
    assert row.status == OutboxMessage.Status.FAILED and row.attempts == 1
    assert "smtp server down" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # not due yet: the relay leaves it; once its pause is over, the relay sends it
    assert outbox_relay() == 0
    assert outbox_relay(now=row.next_attempt_at + dt.timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 2 and row.last_error == ""
    assert len(mail.outbox) == 1
    assert outbox_relay(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        row = _mail()
    later = timezone.now()
    for _ in range(OUTBOX_MAX_ATTEMPTS + 2):
        later += dt.timedelta(days=1)
        outbox_relay(now=later)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED
    assert row.attempts == OUTBOX_MAX_ATTEMPTS and row.next_attempt_at is None
    assert mail.outbox == []


def test_attachments_arrive():
    pdf = b"%PDF-1.4 receipt bytes"
    row = _mail(attachments=[("收据-R-1.pdf", pdf, "application/pdf")])
    outbox_send_task.delay(row.pk)
    (sent,) = mail.outbox
    assert sent.attachments == [("收据-R-1.pdf", pdf, "application/pdf")]


def test_relay_job_sends_a_row_whose_task_never_ran():
    # Outside django_capture_on_commit_callbacks the after-commit task never runs: as if the
    # broker had been down at commit time.
    _mail()
    assert mail.outbox == []
    results = run_due_jobs(only=["notifications_outbox_relay"])
    assert results["notifications_outbox_relay"] == 1
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_abandoned_send_is_taken_back_after_its_lease():
    row = _mail()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.SENDING, next_attempt_at=timezone.now() + dt.timedelta(minutes=10)
    )
    assert outbox_relay() == 0  # its sender may still be at work
    assert outbox_relay(now=timezone.now() + dt.timedelta(minutes=11)) == 1
    assert len(mail.outbox) == 1


def test_mail_address_goes_through_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_address(to="resident@example.org", subject="进展", body="已派单。", key="report:1:dispatched")
        mail_address(to="resident@example.org", subject="进展", body="已派单。", key="report:1:dispatched")
        mail_address(to="", subject="无", body="")
    assert OutboxMessage.objects.filter(to="resident@example.org").count() == 1
    assert len(mail.outbox) == 1


def test_staff_see_mails_that_gave_up_on_the_dashboard(flaky, client, django_capture_on_commit_callbacks):
    flaky.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        _mail()
    OutboxMessage.objects.update(attempts=OUTBOX_MAX_ATTEMPTS, next_attempt_at=None)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/cms-admin/").content.decode()
    assert "1 封邮件多次尝试仍未发出" in page
