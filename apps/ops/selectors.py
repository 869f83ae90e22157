"""Reads of the ops app: what /readyz checks."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from kombu import Connection

from apps.search.backends import get_backend

BROKER_TIMEOUT_SECONDS = 2.0
_migrations_done: set[str] = set()


def database_check(*, handler=None, alias: str = DEFAULT_DB_ALIAS) -> None:
    with (handler or connections)[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def migrations_check(*, handler=None, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Raise when a migration is not applied. Once all are, the answer is kept for the life of the
    process (a deploy that brings new migrations starts new processes)."""
    if alias in _migrations_done and handler is None:
        return
    executor = MigrationExecutor((handler or connections)[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied migration(s): {names}")
    if handler is None:
        _migrations_done.add(alias)


def broker_check(*, url: str | None = None) -> bool:
    """Connect to the Celery broker with a short timeout. False when no broker is configured
    (tasks run in the web process: nothing to check)."""
    url = url if url is not None else settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return False
    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    return True


def search_check() -> None:
    get_backend().count()


def readiness(*, handler=None, broker_url: str | None = None) -> dict[str, str]:
    """Each part's state: "ok", "skipped" (not configured) or the error that failed it. The
    migrations and search checks need the database, so they are skipped when it is down."""
    parts: dict[str, str] = {}

    def run(name, check):
        try:
            result = check()
        except Exception as exc:
            parts[name] = f"{type(exc).__name__}: {exc}".strip()[:300]
            return False
        parts[name] = "skipped" if result is False else "ok"
        return True

    db_ok = run("database", lambda: database_check(handler=handler))
    if db_ok:
        run("migrations", lambda: migrations_check(handler=handler))
        run("search", search_check)
    else:
        parts["migrations"] = parts["search"] = "skipped: database unreachable"
    run("broker", lambda: broker_check(url=broker_url))
    return parts


def readiness_failures(parts: dict[str, str]) -> list[str]:
    return [name for name, state in parts.items() if state != "ok" and not state.startswith("skipped")]
