"""Redis (the Celery broker) stops while requests keep coming: pages and writes still succeed
without waiting on the broker, the mails they start wait in the outbox, and once Redis is back
the relay job (``notifications_outbox_relay``, run by Celery beat) sends each of them once. The
search index updates they start wait too (``PendingIndexUpdate``): once Redis is back the job
``search_index_relay`` applies them, so a title edited during the outage is found by its new
title (the nightly ``search_reconcile`` adds and removes documents but never re-reads a title).

gunicorn (deploy/gunicorn.conf.py) and a Celery worker run against a private Redis and a
private PostgreSQL (tests/ops/faults_support.py); mails go to a mail server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.ops.faults_support import (
    WEBHOOK_SECRET,
    CeleryWorker,
    Gunicorn,
    http,
    manage,
    run_script,
    site_env,
    skip_unless_postgres,
    wait_until,
)
from tests.ops.smoke import stripe_signature

pytestmark = [pytest.mark.faults, skip_unless_postgres]

SEED = Path(__file__).with_name("faults_seed.py")
DONOR = "donor@example.test"


def _timed(*args, **kwargs):
    started = time.monotonic()
    status, headers, content = http(*args, **kwargs)
    return status, content, time.monotonic() - started


EDIT = """
from apps.bidding.models import Need
need = Need.objects.get(pk={pk})
need.title = {title!r}
need.save()
"""


def _search(base: str, text: str) -> list[str]:
    status, _headers, content = http(base, "GET", f"/api/v1/search/?type=need&q={urllib.parse.quote(text)}")
    assert status == 200, content
    return [r["id"] for r in json.loads(content)["results"]]


def test_redis_down_pages_and_writes_succeed_and_their_mails_go_out_once_it_is_back(
    fault_database, fault_work, private_redis, smtp_sink, private_postgres
):
    env = site_env(database_url=fault_database, work=fault_work, broker_url=private_redis.url, email_url=smtp_sink.url)
    seed = json.loads(run_script(env, SEED).strip().splitlines()[-1])
    db = fault_database.rsplit("/", 1)[1]
    private_postgres.query(
        db, "UPDATE funds_donation SET email = %s WHERE id = %s RETURNING id", (DONOR, seed["donation"])
    )
    old_need = seed["indexed_need"]  # public, indexed by the seed as "春季义诊活动"
    server = Gunicorn(env, fault_work / "gunicorn.log").start()
    try:
        base = server.base
        assert _search(base, "义诊") == [str(old_need)]
        status, content, _ = _timed(
            base, "POST", "/api/v1/auth/token/", body={"username": seed["staff"], "password": seed["password"]}
        )
        assert status == 200, content
        staff = {"Authorization": f"Bearer {json.loads(content)['token']}"}

        private_redis.stop()
        slowest = 0.0
        for path in ("/needs/", "/en/needs/", "/api/v1/needs/", f"/api/v1/funds/{seed['fund']}/"):
            status, content, seconds = _timed(base, "GET", path, headers={"Accept": "text/html"})
            assert status == 200, (path, content[:300])
            slowest = max(slowest, seconds)

        # A signed Stripe event books the donation; its receipt mail waits in the outbox.
        session = {
            "id": seed["donation_session"],
            "object": "checkout.session",
            "currency": "cny",
            "payment_status": "paid",
            "amount_total": seed["donation_fen"],
            "payment_intent": "pi_faults_redis",
            "metadata": {"donation_id": str(seed["donation"])},
        }
        event = {
            "id": "evt_faults_redis",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": session},
        }
        payload = json.dumps(event).encode()
        status, content, seconds = _timed(
            base,
            "POST",
            "/stripe/webhook/",
            raw=payload,
            headers={"Stripe-Signature": stripe_signature(payload, WEBHOOK_SECRET)},
        )
        assert status == 200, content
        slowest = max(slowest, seconds)

        # A community's staff publishes a need (its followers are notified, its search entry updated).
        today = dt.datetime.now(dt.UTC).date()
        need = {
            "community": seed["community"],
            "title": "Redis 停机时发布的需求",
            "description": "为辖区独居老人提供探访服务。",
            "category": "elderly",
            "beneficiaries": 10,
            "beneficiary_group": "独居老人",
            "budget_min": "1000.00",
            "budget_max": "2000.00",
            "service_start": str(today + dt.timedelta(days=40)),
            "service_end": str(today + dt.timedelta(days=100)),
            "min_worker_level": "assistant",
            "workers_needed": 1,
            "bid_deadline": (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).isoformat(),
        }
        status, content, seconds = _timed(base, "POST", "/api/v1/needs/", body=need, headers=staff)
        assert status == 201, content
        slowest = max(slowest, seconds)
        need_id = json.loads(content)["id"]
        publish_status, content, seconds = _timed(base, "POST", f"/api/v1/needs/{need_id}/publish/", headers=staff)
        assert publish_status == 200, content
        slowest = max(slowest, seconds)
        assert slowest < 5, f"a request waited {slowest:.1f} s on the stopped broker"

        # Staff correct the indexed need's title (a save through the ORM, as the admin saves it).
        done = manage(env, "shell", "-c", EDIT.format(pk=old_need, title="夜间助浴服务"))
        assert done.returncode == 0, done.stderr[-2000:]
        assert _search(base, "助浴") == []  # not in the index yet: the update waits
        kept = private_postgres.query(db, "SELECT doc_type, obj_id FROM search_pendingindexupdate")
        assert ("need", str(old_need)) in kept and ("need", str(need_id)) in kept, kept

        queued = private_postgres.query(db, "SELECT key, status FROM notifications_outboxmessage ORDER BY id")
        assert any(key.startswith("receipt:") and status == "queued" for key, status in queued), queued
        assert smtp_sink.messages == []

        # Redis is back: a worker and the relay job deliver each waiting mail, once.
        private_redis.start()
        worker = CeleryWorker(env, fault_work / "worker.log").start()
        try:
            worker.wait_ready()
            done = manage(env, "run_scheduled", "--only", "notifications_outbox_relay", "search_index_relay")
            assert done.returncode == 0, done.stderr[-2000:]
            waiting = len(queued)
            wait_until(lambda: len(smtp_sink.messages) >= waiting, timeout=60, what="the outbox's mails")
            time.sleep(1)
            subjects = smtp_sink.subjects()
            assert len(subjects) == len(set(subjects)), subjects
            texts = smtp_sink.texts()
            assert any(DONOR in t and "收据" in t for t in texts), subjects  # the donation's receipt
            left = private_postgres.query(db, "SELECT count(*) FROM notifications_outboxmessage WHERE status <> 'sent'")
            assert left == [(0,)]
            published = private_postgres.query(db, "SELECT status FROM bidding_need WHERE id = %s", (need_id,))
            assert published == [("published",)]
            # the organization following elderly care hears of the need published while Redis was down
            wait_until(
                lambda: any(seed["org_admin_email"] in t and need["title"] in t for t in smtp_sink.texts()),
                timeout=60,
                what="the need's notification mail",
            )
            # The edited title and the need published during the outage are found, each once.
            assert _search(base, "夜间助浴服务") == [str(old_need)]
            assert _search(base, "义诊") == []
            assert _search(base, need["title"]) == [str(need_id)]
            left = private_postgres.query(db, "SELECT count(*) FROM search_pendingindexupdate")
            assert left == [(0,)]
        finally:
            worker.stop()
    finally:
        server.stop()
