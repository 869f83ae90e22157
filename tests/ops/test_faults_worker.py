"""A Celery worker killed with SIGKILL in the middle of a task: a restarted worker finishes the
task and its effect happens exactly once (a payout, a search index update, an outbox mail).

The worker is the site's own (``celery -A tests.ops.faults_worker worker``: marketplace.celery
plus the test's pause, see that module) on a private Redis, against this test's database. The
whole worker (main process and pool child) is killed with SIGKILL, so nothing is acknowledged or
cleaned up; task_acks_late leaves the message with the broker, which gives it to the next worker.
When only the prefork pool's child is killed (the OOM killer's usual choice), the worker's main
process sees it die and, with task_reject_on_worker_lost, puts the message back at once: its new
child runs the task again without waiting for Redis's visibility timeout."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.funds.payouts import award_reserve
from apps.funds.services import fund_income_record, organization_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.notifications.models import OutboxMessage
from apps.notifications.services import outbox_mail
from apps.search.models import SearchDocument
from tests.factories.bidding import NeedFactory
from tests.factories.projects import grant_bid, project_with_milestones
from tests.ops.faults_support import CeleryWorker, site_env, skip_unless_postgres, tasks_through, wait_until

pytestmark = [pytest.mark.faults, skip_unless_postgres, pytest.mark.django_db(transaction=True)]


class Workers:
    """Start the worker (optionally with a pause), wait for the pause, kill it, start the next."""

    def __init__(self, work: Path, broker_url: str, email_url: str = ""):
        db = connection.settings_dict
        auth = f"{db['USER'] or 'postgres'}" + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.work = work
        self.env = site_env(
            database_url=database_url,
            work=work,
            broker_url=broker_url,
            email_url=email_url,
            LOG_LEVEL="INFO",
            FAULTS_DIR=str(work),
            FAULTS_VISIBILITY_TIMEOUT="1",
        )
        self.started: list[CeleryWorker] = []

    def start(self, pause: str = "", **env: str) -> CeleryWorker:
        env = {**self.env, "FAULTS_PAUSE": pause, **env}
        worker = CeleryWorker(env, self.work / f"worker{len(self.started)}.log", app="tests.ops.faults_worker")
        self.started.append(worker.start())
        worker.wait_ready()
        return worker

    def wait_paused(self) -> None:
        wait_until(lambda: (self.work / "reached").exists(), timeout=60, what="the task to reach its pause")

    def stop_all(self) -> None:
        for worker in self.started:
            worker.kill()
            print(f"--- {worker.log.name}\n{worker.output()[-3000:]}")  # shown when the test failed


@pytest.fixture
def workers(fault_work, private_redis, smtp_sink):
    w = Workers(fault_work, private_redis.url, smtp_sink.url)
    yield w
    w.stop_all()


def _settle(check, seconds: float = 2.0) -> None:
    """A redelivery would come within the visibility timeout (1 s): watch a little longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check()
        time.sleep(0.2)


def _milestone_due(city, organization, make_user):
    """A funded project whose first milestone (600.00) is ready to be paid; its payout's ledger key."""
    fund_income_record(fund=city.fund, amount_fen=200_000, source="bank", idempotency_key="faults-seed")
    proposal = grant_bid(
        community=city.community,
        fund=city.fund,
        organization=organization,
        total=Decimal("1000.00"),
        created_by=make_user(),
    )
    project = project_with_milestones(proposal=proposal, amounts=("600.00", "400.00"))
    award_reserve(need=project.need, proposal=proposal)
    milestone = project.milestones.order_by("position").first()
    return milestone, f"milestone:{milestone.pk}:payout"


def _posted_once(key: str, organization) -> None:
    """The payout has one transfer, the organization 600.00, and no redelivery adds another."""

    def once():
        assert Transfer.objects.filter(key=key).count() == 1
        assert organization_account(organization).normal_balance == 60_000

    _settle(once)
    assert ledger_verify()["ok"]


def test_payout_killed_inside_its_transaction_is_posted_once_by_the_restarted_worker(
    workers, private_redis, city, organization, make_user
):
    milestone, key = _milestone_due(city, organization, make_user)

    first = workers.start(pause="sql:ledger_append")  # stops after the ledger's append, before commit
    with tasks_through(private_redis.url) as app:
        app.send_task("faults.milestone_payout", args=[milestone.pk])
    workers.wait_paused()
    first.kill()
    assert not Transfer.objects.filter(key=key).exists()  # the killed transaction left nothing

    workers.start()
    wait_until(lambda: Transfer.objects.filter(key=key).exists(), timeout=30, what="the restarted worker's payout")
    with tasks_through(private_redis.url) as app:  # and a duplicate delivery of the same task
        app.send_task("faults.milestone_payout", args=[milestone.pk])
    wait_until(lambda: private_redis.queued() == 0, timeout=15, what="the duplicate to be taken")

    _posted_once(key, organization)


def test_payout_whose_pool_process_is_killed_alone_is_redelivered_at_once_and_posted_once(
    workers, private_redis, city, organization, make_user
):
    milestone, key = _milestone_due(city, organization, make_user)
    # Redis's own redelivery (the visibility timeout) back at its hour: only the worker can bring it back.
    worker = workers.start(pause="sql:ledger_append", FAULTS_VISIBILITY_TIMEOUT="3600")
    with tasks_through(private_redis.url) as app:
        app.send_task("faults.milestone_payout", args=[milestone.pk])
    workers.wait_paused()
    child = int((workers.work / "reached").read_text())
    assert child != worker.process.pid  # the prefork pool's process, inside the payout's transaction
    os.kill(child, signal.SIGKILL)

    wait_until(lambda: Transfer.objects.filter(key=key).exists(), timeout=30, what="the payout run again")
    assert worker.process.poll() is None  # the same worker, never restarted, ran it in a new child
    assert "WorkerLostError" in worker.output()
    wait_until(lambda: private_redis.queued() == 0, timeout=15, what="the queue to be empty")

    _posted_once(key, organization)


def test_index_update_killed_in_mid_task_is_done_once_by_the_restarted_worker(workers, private_redis, city):
    need = NeedFactory(community=city.community, title="故障前的标题")  # indexed in this process
    workers.start(pause="sql:search_searchdocument")  # stops after writing the document, before the ack
    with tasks_through(private_redis.url):
        need.title = "夜间助浴服务"
        need.save()  # the index task goes to the worker after commit
    workers.wait_paused()
    workers.started[-1].kill()

    workers.start()
    docs = SearchDocument.objects.filter(doc_type="need", obj_id=str(need.pk))

    def indexed():
        return docs.filter(title="夜间助浴服务").exists() and private_redis.queued() == 0

    wait_until(indexed, timeout=30, what="the restarted worker's index update")

    def once():
        assert docs.count() == 1 and docs.get().title == "夜间助浴服务"

    _settle(once)


def test_outbox_mail_killed_while_talking_to_the_mail_server_is_sent_once(workers, private_redis, smtp_sink):
    smtp_sink.hold()
    workers.start()
    with tasks_through(private_redis.url), transaction.atomic():
        message = outbox_mail(
            to="resident@example.test", subject="故障测试：您的反映已受理", body="正文", key="faults:mail"
        )
    wait_until(smtp_sink.conversation_started.is_set, timeout=60, what="the worker to talk to the mail server")
    workers.started[-1].kill()  # before the mail server accepted anything
    smtp_sink.release()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING and smtp_sink.messages == []

    workers.start()  # the redelivered task finds the row claimed by the dead worker and sends nothing
    wait_until(lambda: private_redis.queued() == 0, timeout=30, what="the redelivered task to be taken")
    time.sleep(1)
    assert smtp_sink.messages == []
    # Ten minutes later the dead sender's lease is over, and the relay job (Celery beat's entry) sends it.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with tasks_through(private_redis.url) as app:
        app.send_task("apps.core.tasks.run_job_task", args=["notifications_outbox_relay"])
    wait_until(lambda: smtp_sink.messages, timeout=30, what="the relay to send the mail")

    def once():
        assert smtp_sink.subjects() == ["故障测试：您的反映已受理"]

    _settle(once)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
