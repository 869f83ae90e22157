"""Faults of the database under the production profile: PostgreSQL restarts while gunicorn serves
a load that writes the ledger (a clean ``fast`` stop, and an ``immediate`` one: the server dies
without a checkpoint and starts with crash recovery, as after a power cut or an OOM kill), and a
Stripe webhook arrives while the database is down.

Everything runs against a private PostgreSQL cluster (tests/ops/faults_support.py), never the
shared one; gunicorn is started from deploy/gunicorn.conf.py as deploy/README.md starts it."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.ops.faults_support import (
    WEBHOOK_SECRET,
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
LOAD_THREADS = 6


@pytest.fixture(scope="module")
def site(private_postgres):
    """One seeded database and one gunicorn for the module: each test leaves the server running
    and the database up, and checks only what its own requests changed."""
    private_postgres.create_database("sanshe_faults_database", template="sanshe_template")
    # The private cluster runs with synchronous_commit=off for speed: a crash would then lose the
    # last commits already answered 201. Production keeps PostgreSQL's default (on), so does this
    # database, for the immediate stop's crash recovery to find every acknowledged transfer.
    with private_postgres.connect() as conn:
        conn.execute("ALTER DATABASE sanshe_faults_database SET synchronous_commit = on")
    work = Path(tempfile.mkdtemp(prefix="sanshe-faults-"))
    env = site_env(database_url=private_postgres.url("sanshe_faults_database"), work=work)
    seed = json.loads(run_script(env, SEED).strip().splitlines()[-1])
    server = Gunicorn(env, work / "gunicorn.log").start()
    try:
        yield server, env, seed
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def _token(base: str, username: str, password: str) -> str:
    status, _headers, content = http(
        base, "POST", "/api/v1/auth/token/", body={"username": username, "password": password}
    )
    assert status == 200, content
    return json.loads(content)["token"]


def _ledger_verify(env: dict) -> None:
    done = manage(env, "ledger_verify")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _balance(base: str, fund: int) -> Decimal:
    status, _headers, content = http(base, "GET", f"/api/v1/funds/{fund}/")
    assert status == 200, content
    return Decimal(json.loads(content)["balance"])


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restart_under_load_answers_503_and_recovers_without_half_written_transfers(
    site, private_postgres, mode
):
    server, env, seed = site
    base = server.base
    token = _token(base, seed["fund_manager"], seed["password"])
    auth = {"Authorization": f"Bearer {token}"}
    fund = seed["fund"]
    balance_before = _balance(base, fund)
    outcomes: list[tuple[str, str, int, float, dict, bytes]] = []  # kind, key, status, seconds, headers, body
    stop = threading.Event()
    lock = threading.Lock()

    def load(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            if i % 2:
                key = f"load-{mode}-{n}-{i}"
                body = {"amount": "1.00", "source": "bank", "idempotency_key": key}
                request = ("income", key, "POST", f"/api/v1/funds/{fund}/income/", body)
            else:
                request = ("read", "", "GET", "/api/v1/needs/?page_size=5", None)
            kind, key, method, path, body = request
            started = time.monotonic()
            status, headers, content = http(base, method, path, body=body, headers=auth, timeout=40)
            with lock:
                outcomes.append((kind, key, status, time.monotonic() - started, headers, content))

    threads = [threading.Thread(target=load, args=(n,), daemon=True) for n in range(LOAD_THREADS)]
    workers_before = server.process.pid
    for t in threads:
        t.start()
    wait_until(lambda: sum(o[2] == 201 for o in outcomes) >= 20, timeout=30, what="the load to book incomes")
    # fast: every open session is terminated, a checkpoint written; immediate: the server dies at
    # once and the start replays the WAL (crash recovery). Either way it then accepts connections.
    private_postgres.restart(mode)
    if mode == "immediate":
        assert "automatic recovery in progress" in private_postgres.log.read_text(errors="replace")
    served_before_restart = len(outcomes)
    wait_until(
        lambda: sum(o[2] == 201 for o in outcomes[served_before_restart:]) >= 20,
        timeout=30,
        what="incomes booked again after the restart",
    )
    stop.set()
    for t in threads:
        t.join(45)

    statuses = [o[2] for o in outcomes]
    unexpected = [(o[0], o[2], o[5][:300]) for o in outcomes if o[2] not in (200, 201, 503)]
    assert not unexpected, f"answers other than 200/201/503 during the restart: {unexpected[:5]}"
    unavailable = [o for o in outcomes if o[2] == 503]
    assert unavailable, f"no request met the restart (statuses {sorted(set(statuses))}): the test proved nothing"
    slowest = max(o[3] for o in outcomes)
    assert slowest < 10, f"a request hung for {slowest:.1f} s"
    for _kind, _key, _status, _seconds, headers, content in unavailable:
        assert headers.get("Retry-After") == "5"
        assert "数据库暂时无法响应" in json.loads(content)["detail"]

    # The same gunicorn answers again (no restart), and a person reading in English is told in English.
    assert server.process.pid == workers_before and server.process.poll() is None
    status, _headers, _content = http(base, "GET", "/en/needs/", headers={"Accept": "text/html"})
    assert status == 200

    # No half-written transfer: each booked key has one transfer; a key that got a 503 has none or
    # one, and sending it again (the client's retry with the same idempotency key) books it once.
    failed_keys = [o[1] for o in unavailable if o[0] == "income"]
    for key in failed_keys:
        status, _headers, content = http(
            base,
            "POST",
            f"/api/v1/funds/{fund}/income/",
            body={"amount": "1.00", "source": "bank", "idempotency_key": key},
            headers=auth,
        )
        assert status in (200, 201), content
    keys = {o[1] for o in outcomes if o[0] == "income" and o[2] in (201, 503)}
    db = fault_database_name(env)
    rows = private_postgres.query(
        db,
        "SELECT t.key, count(DISTINCT t.id), count(l.id), coalesce(sum(l.amount), 0) FROM ledger_transfer t "
        "JOIN ledger_leg l ON l.transfer_id = t.id WHERE t.key LIKE %s GROUP BY t.key",
        (f"fund:{fund}:income:load-{mode}-%",),
    )
    by_key = {key.rsplit(":", 1)[1]: (transfers, legs, total) for key, transfers, legs, total in rows}
    assert set(by_key) == keys
    assert all(v == (1, 2, 0) for v in by_key.values()), [kv for kv in by_key.items() if kv[1] != (1, 2, 0)][:5]
    incomes = private_postgres.query(
        db, "SELECT count(*) FROM funds_income WHERE idempotency_key LIKE %s", (f"load-{mode}-%",)
    )
    assert incomes[0][0] == len(keys)
    assert _balance(base, fund) - balance_before == Decimal(len(keys))
    _ledger_verify(env)


def fault_database_name(env: dict) -> str:
    return env["DATABASE_URL"].rsplit("/", 1)[1]


def test_stripe_webhook_during_database_outage_answers_5xx_and_the_retry_books_once(site, private_postgres):
    server, env, seed = site
    base = server.base
    before = _balance(base, seed["fund"])
    session = {
        "id": seed["donation_session"],
        "object": "checkout.session",
        "currency": "cny",
        "payment_status": "paid",
        "amount_total": seed["donation_fen"],
        "payment_intent": "pi_faults_outage",
        "metadata": {"donation_id": str(seed["donation"])},
    }
    event = {
        "id": "evt_faults_outage",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": session},
    }
    payload = json.dumps(event).encode()

    def deliver():
        # Stripe signs each delivery anew (a fresh timestamp), the event and its id stay the same.
        headers = {"Stripe-Signature": stripe_signature(payload, WEBHOOK_SECRET)}
        return http(base, "POST", "/stripe/webhook/", raw=payload, headers=headers, timeout=20)

    private_postgres.stop("fast")
    try:
        started = time.monotonic()
        status, headers, content = deliver()
        seconds = time.monotonic() - started
    finally:
        private_postgres.start()
    assert 500 <= status < 600, (status, content)  # Stripe retries any 5xx, never a 2xx or 4xx
    assert status == 503 and headers.get("Retry-After") == "5"
    assert seconds < 10

    status, _headers, content = deliver()  # Stripe's retry once the database is back
    assert status == 200, content
    status, _headers, content = deliver()  # and a duplicate delivery of the same event
    assert status == 200, content
    assert _balance(base, seed["fund"]) - before == Decimal(seed["donation_fen"]) / 100
    booked = private_postgres.query(
        fault_database_name(env),
        "SELECT count(*) FROM funds_donation WHERE id = %s AND status = 'paid'",
        (seed["donation"],),
    )
    assert booked == [(1,)]
    _ledger_verify(env)
