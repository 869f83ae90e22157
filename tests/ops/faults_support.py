"""Plumbing for the fault tests (``tests/ops/test_faults_*.py``, marker ``faults``): private servers
that a test may stop, restart or kill without touching the shared PostgreSQL on 5432 or Redis on
6379, and the site's own processes (gunicorn from deploy/gunicorn.conf.py, a Celery worker) run
against them as an operator runs them.

- ``PrivatePostgres``: a throw-away cluster (initdb + pg_ctl) on a free port, in a temporary folder;
  ``migrated_template`` migrates one database once, and each test copies it (CREATE DATABASE …
  TEMPLATE, under a second).
- ``PrivateRedis``: ``redis-server`` on a free port, nothing saved.
- ``SmtpSink``: an SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepted; ``hold()``
  makes it wait before answering a mail's DATA, so a sender can be killed in mid-conversation.
- ``Gunicorn`` and ``CeleryWorker``: the site's processes, each in its own process group (a
  SIGKILL reaches the pool's children too), with their output in a log file the failure shows.

Fixtures: ``private_postgres`` (one cluster for the session), ``fault_database`` (a fresh copy of
the migrated database for one test), ``private_redis``, ``smtp_sink``, ``site_env``."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
WEBHOOK_SECRET = "whsec_faults"

skip_unless_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="fault tests run on PostgreSQL (CI's PostgreSQL run)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1):
    """Poll ``predicate`` until it returns something true; fail the test naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def _owned_tempdir(prefix: str, owner: str | None) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


class PrivatePostgres:
    """A PostgreSQL cluster of this test session's own. PostgreSQL refuses to run as root, so under
    root (the CI container) it runs as the ``postgres`` system user; its superuser is ``root``."""

    def __init__(self):
        self.os_user = "postgres" if os.geteuid() == 0 else None
        self.dir = _owned_tempdir("sanshe-faults-pg-", self.os_user)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)  # noqa: S603

    def init(self) -> None:
        self._run("initdb", "-A", "trust", "-U", "root", "-E", "UTF8", "--no-sync", "-D", str(self.data))

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-l", str(self.log), "restart", timeout=120)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgres://root@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="root", dbname=dbname, autocommit=True)

    def query(self, dbname: str, sql: str, params=()) -> list[tuple]:
        with self.connect(dbname) as conn:
            return conn.execute(sql, params).fetchall()

    def create_database(self, name: str, *, template: str | None = None) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def queued(self, queue: str = "celery") -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(f"LLEN {queue}\r\n".encode())
            return int(s.recv(64).decode().strip().lstrip(":"))


class _Keep:
    """aiosmtpd handler: keep each accepted mail; while held, wait before answering RCPT TO (the
    sender is then in mid-conversation and no mail has been accepted yet)."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        self.sink.conversation_started.set()
        while self.sink.held.is_set():
            await _sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.sink.messages.append(envelope.content)
        return "250 OK"


async def _sleep(seconds: float) -> None:
    import asyncio  # noqa: PLC0415 - only the sink's own thread runs the event loop

    await asyncio.sleep(seconds)


class SmtpSink:
    """A mail server on 127.0.0.1: ``messages`` holds what it accepted (250), in order."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.held = threading.Event()
        self.conversation_started = threading.Event()
        self.port = free_port()
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def hold(self) -> None:
        self.held.set()

    def release(self) -> None:
        self.held.clear()

    def subjects(self) -> list[str]:
        from email import message_from_bytes, policy  # noqa: PLC0415

        return [str(message_from_bytes(m, policy=policy.default)["Subject"]) for m in self.messages]

    def texts(self) -> list[str]:
        """Each accepted mail as its recipients, subject and plain text, decoded."""
        from email import message_from_bytes, policy  # noqa: PLC0415

        out = []
        for raw in self.messages:
            mail = message_from_bytes(raw, policy=policy.default)
            body = mail.get_body(preferencelist=("plain",))
            out.append(f"{mail['To']}\n{mail['Subject']}\n{body.get_content() if body else ''}")
        return out


class SiteProcess:
    """One of the site's processes in its own process group, output in ``log``."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.command, self.env, self.log = command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> SiteProcess:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            self.command, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        return self

    def signal_group(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole group: the main process and its children, with no chance to clean up."""
        self.signal_group(signal.SIGKILL)
        if self.process:
            self.process.wait(10)

    def stop(self, timeout: float = 10) -> None:
        if not self.process or self.process.poll() is not None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Gunicorn(SiteProcess):
    def __init__(self, env: dict, log: Path, *, workers: int = 1, threads: int = 8):
        self.port = free_port()
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        super().__init__([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env, log)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        super().start()

        def answers():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.output()[-3000:]}")
            return http(self.base, "GET", "/healthz", timeout=2)[0] == 200

        try:
            wait_until(answers, timeout=120, what="gunicorn")
        except BaseException:
            self.kill()
            raise
        return self


class CeleryWorker(SiteProcess):
    """``celery -A <app> worker`` with one pool process (prefork): the task runs in a child process."""

    def __init__(self, env: dict, log: Path, *, app: str = "marketplace"):
        command = [
            *(str(BIN / "celery"), "-A", app, "worker", "--pool", "prefork", "--concurrency", "1"),
            *("--queues", "celery,search_writer", "--without-gossip", "--without-mingle", "--loglevel", "INFO"),
        ]
        super().__init__(command, env, log)

    def wait_ready(self, timeout: float = 120) -> None:
        wait_until(lambda: "ready." in self.output(), timeout=timeout, what="the Celery worker to be ready")


@contextlib.contextmanager
def tasks_through(broker_url: str):
    """Tasks this test process starts go to ``broker_url`` (a private Redis) for a real worker,
    instead of running in the process (the suite's default) or going to the configured broker."""
    from marketplace.celery import app  # noqa: PLC0415 - the test process's Celery app

    saved = os.environ.get("CELERY_BROKER_URL"), app.conf.task_always_eager

    def use(url: str | None, eager: bool) -> None:
        app._pool = None  # the app's pools are made for one broker URL: new ones for the other
        app.amqp._producer_pool = None
        # Celery reads CELERY_BROKER_URL from the environment before its own setting.
        if url is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = url
        app.conf.task_always_eager = eager

    use(broker_url, False)
    try:
        yield app
    finally:
        use(*saved)


def http(base: str, method: str, path: str, *, body=None, raw: bytes | None = None, headers=None, timeout=30):
    """One request; returns (status, headers, body bytes). A connection error is status 0."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310 - our own server
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return 0, {}, str(exc).encode()


def site_env(*, database_url: str, work: Path, broker_url: str = "", email_url: str = "", **extra: str) -> dict:
    """The environment of the site's processes (deploy/README.md's variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",
        CELERY_BROKER_URL=broker_url,
        SEARCH_BACKEND="postgres",
        EMAIL_URL=email_url or f"filemail:///{work / 'mail'}",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_SECRET_KEY="sk_test_faults",
        MEDIA_ROOT=str(work / "media"),
        PRIVATE_MEDIA_ROOT=str(work / "private_media"),
        SEARCH_INDEX_DIR=str(work / "search_index"),
        SANSHE_ENFORCE_MFA="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.pop("PGOPTIONS", None)
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def run_script(env: dict, path: Path, *args: str, timeout: float = 120) -> str:
    """Run a Python file with the site's environment; returns its standard output."""
    done = subprocess.run(  # noqa: S603
        [str(BIN / "python"), str(path), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="session")
def private_postgres(django_db_setup, django_db_blocker):
    """The private cluster, with ``sanshe_template``: a copy of this session's migrated test
    database (pg_dump / pg_restore: a few seconds, where migrating from nothing takes minutes),
    then ``migrate`` to re-create what a flush removed (content types, permissions, the site)."""
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database("sanshe_template")
        with django_db_blocker.unblock():
            source = connection.settings_dict
        dump = cluster.dir / "test.dump"
        subprocess.run(  # noqa: S603
            [
                str(PG_BIN / "pg_dump"),
                "-Fc",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(dump),
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"] or "postgres",
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
        )
        subprocess.run(  # noqa: S603
            [
                str(PG_BIN / "pg_restore"),
                "--no-owner",
                "--no-privileges",
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "root",
                "-d",
                "sanshe_template",
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        done = manage(site_env(database_url=cluster.url("sanshe_template"), work=cluster.dir), "migrate", "--noinput")
        assert done.returncode == 0, done.stderr[-3000:]
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def fault_database(private_postgres, request):
    """A fresh copy of the migrated database on the private cluster, for this test."""
    name = f"sanshe_{request.node.name.split('[')[0][-40:]}".lower()
    private_postgres.create_database(name, template="sanshe_template")
    return private_postgres.url(name)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.release()
    sink.controller.stop()


@pytest.fixture
def fault_work():
    """A folder for the site's logs, mails and uploads (readable by the test's processes)."""
    path = Path(tempfile.mkdtemp(prefix="sanshe-faults-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
