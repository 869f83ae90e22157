"""/healthz, /readyz and /metrics as a load balancer and Prometheus see them."""

from __future__ import annotations

import socket

import pytest
from django.apps import apps as django_apps
from django.db.utils import ConnectionHandler
from django.test import override_settings

from apps.core.tasks import run_job_task
from apps.ops import selectors
from apps.ops.models import LedgerVerifyRun
from apps.ops.services import ledger_verify_record


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_readyz_ok_names_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["search"] == "ok"
    assert body["checks"]["broker"] in ("ok", "skipped")


@pytest.mark.django_db
def test_readyz_503_names_the_database_when_it_is_unreachable(client, monkeypatch):
    unreachable = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "sanshe_nowhere",
                "USER": "nobody",
                "HOST": "127.0.0.1",
                "PORT": _closed_port(),
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    real_readiness = selectors.readiness
    monkeypatch.setattr("apps.ops.views.readiness", lambda: real_readiness(handler=unreachable))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["database"]
    assert "OperationalError" in body["checks"]["database"]
    assert body["checks"]["migrations"].startswith("skipped")


@pytest.mark.django_db
def test_readyz_503_names_the_broker_when_it_is_unreachable(client, monkeypatch):
    real_readiness = selectors.readiness
    broker = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setattr("apps.ops.views.readiness", lambda: real_readiness(broker_url=broker))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_503_names_unapplied_migrations(client, monkeypatch):
    class OnePending:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [(type("M", (), {"app_label": "ops", "name": "0099_future"})(), False)]

    monkeypatch.setattr(selectors, "MigrationExecutor", OnePending)
    monkeypatch.setattr(selectors, "_migrations_done", set())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert "ops.0099_future" in response.json()["checks"]["migrations"]


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="s3cret-metrics", METRICS_ALLOWED_IPS=[])
def test_metrics_needs_the_token(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=["10.0.0.0/8", "192.0.2.7"])
def test_metrics_allowed_addresses(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=[])
def test_metrics_refused_when_nothing_is_configured(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def _sample(text: str, name: str, **labels) -> float | None:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        if series == name or (want and series.startswith(name + "{") and all(p in series for p in want.split(","))):
            return float(value)
    return None


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="tok")
def test_metrics_content(client):
    before = client.get("/metrics", HTTP_AUTHORIZATION="Bearer tok").content.decode()
    base = _sample(before, "sanshe_http_requests_total", view="ops_healthz", method="GET", status="200") or 0
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page-for-metrics/")
    ledger_verify_record()
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer tok").content.decode()
    assert _sample(text, "sanshe_http_requests_total", view="ops_healthz", method="GET", status="200") == base + 2
    # an unknown path is counted under one label, not under its own path
    assert "/no-such-page-for-metrics/" not in text
    assert _sample(text, "sanshe_http_request_duration_seconds_count", view="ops_healthz") >= 2
    assert 'sanshe_http_request_duration_seconds_bucket{le="0.3",view="ops_healthz"}' in text
    assert _sample(text, "sanshe_ledger_verify_ok") == 1.0
    assert _sample(text, "sanshe_ledger_verify_faults") == 0.0
    assert LedgerVerifyRun.objects.count() == 1


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="tok")
def test_metrics_count_celery_task_outcomes(client):
    def outcomes(state):
        text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer tok").content.decode()
        return _sample(text, "sanshe_celery_tasks_total", task="apps.core.tasks.run_job_task", outcome=state) or 0

    ok_before, failed_before = outcomes("SUCCESS"), outcomes("FAILURE")
    run_job_task.delay("ops_ledger_verify")
    # as a worker runs it: the exception is recorded, not raised to the caller
    assert run_job_task.apply(args=["no_such_job"], throw=False).state == "FAILURE"
    assert outcomes("SUCCESS") == ok_before + 1
    assert outcomes("FAILURE") == failed_before + 1


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="tok")
def test_metrics_outbox_backlog(client):
    try:
        outbox = django_apps.get_model("notifications", "OutboxMessage")
    except LookupError:
        pytest.skip("the notifications outbox is not in this tree yet")
    outbox.objects.create(key="ops-1", to="a@example.test", subject="s1")
    outbox.objects.create(key="ops-2", to="b@example.test", subject="s2")
    outbox.objects.create(key="ops-3", to="c@example.test", subject="s3", status="sent")
    pending = django_apps.get_model("search", "PendingIndexUpdate")
    pending.objects.create(doc_type="need", obj_id="7")  # an index update kept while Redis was down
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer tok").content.decode()
    assert _sample(text, "sanshe_outbox_backlog") == 2.0
    assert _sample(text, "sanshe_search_index_pending") == 1.0
