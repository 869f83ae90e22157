"""Prometheus metrics (prometheus-client).

Counted in the process that handles the event: requests by view and status with a latency
histogram (``MetricsMiddleware``), Celery task outcomes (``apps.ops.signals``). Read from the
database at each scrape (``DatabaseCollector``): the ledger's last verification, the outbox
backlog and the search index updates waiting for their relay. With several processes (gunicorn
workers, Celery's pool) set ``PROMETHEUS_MULTIPROC_DIR`` to one empty directory shared by all of
them: each process writes its own file there and ``/metrics`` adds them up (deploy/gunicorn.conf.py
clears files of dead processes at start)."""

from __future__ import annotations

import os
import time

from django.apps import apps as django_apps
from django.db import DatabaseError
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY

from apps.ops.models import LedgerVerifyRun

REQUESTS = Counter("sanshe_http_requests", "HTTP requests by view, method and status", ["view", "method", "status"])
LATENCY = Histogram(
    "sanshe_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter("sanshe_celery_tasks", "Celery tasks run, by task and outcome (state)", ["task", "outcome"])


def view_label(request) -> str:
    """The URL pattern's name (or its route) — never the raw path, which would make one series
    per object id."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or match.route or "<unnamed>"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        return response


def outbox_backlog() -> int | None:
    """Messages waiting in the notifications outbox (queued or being sent), when that model exists
    (None otherwise: the gauge is left out)."""
    try:
        model = django_apps.get_model("notifications", "OutboxMessage")
    except LookupError:
        return None
    return model.objects.filter(status__in=["queued", "sending"]).count()


def search_index_pending() -> int | None:
    """Search index updates kept while the broker was down, waiting for ``search_index_relay``."""
    try:
        model = django_apps.get_model("search", "PendingIndexUpdate")
    except LookupError:
        return None
    return model.objects.count()


class DatabaseCollector:
    """Gauges read from the database when Prometheus scrapes."""

    def collect(self):
        try:
            yield from self._collect()
        except DatabaseError:
            return  # the database is down or not migrated: /readyz says so; the counters still serve

    def _collect(self):
        run = LedgerVerifyRun.objects.order_by("-finished_at").first()
        if run is not None:
            yield GaugeMetricFamily(
                "sanshe_ledger_verify_ok", "1 when the last ledger verification found no fault", value=int(run.ok)
            )
            yield GaugeMetricFamily(
                "sanshe_ledger_verify_timestamp_seconds",
                "When the last ledger verification finished (Unix time)",
                value=run.finished_at.timestamp(),
            )
            yield GaugeMetricFamily(
                "sanshe_ledger_verify_faults", "Faults found by the last ledger verification", value=run.faults
            )
        backlog = outbox_backlog()
        if backlog is not None:
            yield GaugeMetricFamily("sanshe_outbox_backlog", "Outbox rows not yet relayed", value=backlog)
        pending = search_index_pending()
        if pending is not None:
            yield GaugeMetricFamily(
                "sanshe_search_index_pending", "Search index updates waiting for the relay job", value=pending
            )


def metrics_render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    from_db = CollectorRegistry()
    from_db.register(DatabaseCollector())
    return generate_latest(counted) + generate_latest(from_db)
