"""Request ids and JSON log lines.

A request carries an id (the client's or proxy's ``X-Request-ID`` when it is a sane token, else a
new one), echoed in the response, held in a context variable while the request runs, and added to
every log record by ``RequestIdFilter``. Celery tasks started by the request receive it in their
message headers (``apps.ops.signals``), so their log lines carry the same id."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

from django.core.signals import request_finished

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str:
    """The caller's id when it is a short token (no spaces, quotes or control characters, which
    would let a client forge log lines), else a new one."""
    if value and _SANE.match(value):
        return value
    return request_id_new()


class RequestIdMiddleware:
    """First in the chain: every later middleware, view and log line sees the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id_accept(request.headers.get(HEADER))
        request.request_id = rid
        request_id_var.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def _request_done(**kwargs):
    # Reset when the response is closed, after Django's own "Not Found: …" line was logged with it.
    request_id_var.set(None)


request_finished.connect(_request_done, dispatch_uid="ops_request_id_reset")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


# Attributes every LogRecord has; anything else passed with ``extra=`` goes into the JSON line.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback when there is one, and any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
