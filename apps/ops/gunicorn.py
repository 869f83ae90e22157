"""gunicorn's logger for deploy/gunicorn.conf.py: the access log and the error log as JSON lines.

An access line carries the response's X-Request-ID (set by apps.ops.logs.RequestIdMiddleware), so
it joins the application's own lines for the same request."""

from __future__ import annotations

import json

from gunicorn.glogging import Logger

from apps.ops.logs import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        headers = dict(resp.headers) if isinstance(resp.headers, dict) else dict(resp.headers or [])
        request_id = next((v for k, v in headers.items() if k.lower() == "x-request-id"), None)
        line = {
            "remote": environ.get("REMOTE_ADDR", "-"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": environ.get("PATH_INFO", "-"),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(str(resp.status).split()[0]) if resp.status else 0,
            "bytes": getattr(resp, "sent", 0) or 0,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            "referer": environ.get("HTTP_REFERER", ""),
        }
        try:
            self.access_log.info("access", extra={"request_id": request_id or "-", **line})
        except Exception:
            self.exception("access log line not written: %s", json.dumps(line))
