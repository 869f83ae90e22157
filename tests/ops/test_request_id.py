"""The request id: echoed in the response, on the request's JSON log lines, inside its tasks."""

from __future__ import annotations

import json
import logging

import pytest
from celery import shared_task
from celery.app.trace import build_tracer

from apps.ops.logs import JsonFormatter, RequestIdFilter, request_id_var
from apps.ops.signals import HEADER, _publish_request_id
from marketplace.celery import app


@pytest.fixture
def json_lines():
    """The JSON lines the root logger writes while the test runs (the settings' own handler and
    formatter classes, as production configures them)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def test_a_new_request_id_is_echoed(client):
    response = client.get("/healthz")
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    assert client.get("/healthz")["X-Request-ID"] != rid


def test_the_callers_request_id_is_kept(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"


def test_a_forged_request_id_is_replaced(client):
    rid = client.get("/healthz", HTTP_X_REQUEST_ID='x" "level": "CRITICAL')["X-Request-ID"]
    assert " " not in rid
    assert len(rid) == 32


@pytest.mark.django_db
def test_the_request_id_is_on_the_json_log_line(client, json_lines):
    response = client.get("/no-such-page-for-the-log/", HTTP_X_REQUEST_ID="trace-404")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-404"
    records = [json.loads(line) for line in json_lines]
    not_found = [r for r in records if "/no-such-page-for-the-log/" in r["message"]]
    assert not_found, json_lines
    assert not_found[0]["request_id"] == "trace-404"
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["logger"] == "django.request"
    assert not_found[0]["time"].endswith("+00:00")
    # after the response, log lines no longer carry it
    assert request_id_var.get() is None


seen_in_task: list[str | None] = []


@shared_task
def _log_request_id_task():
    seen_in_task.append(request_id_var.get())
    logging.getLogger("apps.ops.test").warning("inside the task")


def test_a_task_started_by_the_request_logs_its_id(json_lines):
    seen_in_task.clear()
    token = request_id_var.set("req-for-task")
    try:
        _log_request_id_task.delay()
    finally:
        request_id_var.reset(token)
    assert seen_in_task == ["req-for-task"]
    line = next(json.loads(x) for x in json_lines if "inside the task" in x)
    assert line["request_id"] == "req-for-task"


def test_the_request_id_goes_into_the_task_message_headers():
    headers: dict = {}
    token = request_id_var.set("req-in-headers")
    try:
        _publish_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers[HEADER] == "req-in-headers"


def test_a_worker_restores_the_request_id_from_the_headers(json_lines):
    """As a worker runs a message (Celery's own tracer, not eager): the id from the message's
    headers is set while the task runs, on its log lines, and cleared after."""
    seen_in_task.clear()
    tracer = build_tracer(_log_request_id_task.name, _log_request_id_task, eager=False, propagate=True, app=app)
    tracer("task-1", [], {}, request={"id": "task-1", HEADER: "req-from-broker", "is_eager": False})
    assert seen_in_task == ["req-from-broker"]
    line = next(json.loads(x) for x in json_lines if "inside the task" in x)
    assert line["request_id"] == "req-from-broker"
    assert request_id_var.get() is None
