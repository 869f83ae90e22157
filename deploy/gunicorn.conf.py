"""gunicorn settings for the production profile (deploy/Procfile, deploy/systemd/sanshe-web.service).

Every value can be changed by an environment variable: WEB_CONCURRENCY (workers; default two per
CPU plus one), GUNICORN_BIND (default 127.0.0.1:8000, a reverse proxy in front), GUNICORN_TIMEOUT.
With several workers, Prometheus counters live in PROMETHEUS_MULTIPROC_DIR (one file per process):
the directory is created here, and files left by processes that are gone are removed at start."""

import multiprocessing
import os
import re
from pathlib import Path

from prometheus_client import multiprocess

wsgi_app = "marketplace.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after about this many requests (memory held by a long-lived process).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# JSON lines on standard output / error (journald or honcho collects them).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "apps.ops.gunicorn.JsonLogger"
# Behind a reverse proxy: trust its X-Forwarded-* only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _multiproc_dir:
    Path(_multiproc_dir).mkdir(parents=True, exist_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def on_starting(server):
    """Remove metric files of processes that no longer run (a previous start); files of live
    processes (a Celery worker sharing the directory) are kept."""
    if not _multiproc_dir:
        return
    for path in Path(_multiproc_dir).glob("*.db"):
        match = re.search(r"_(\d+)\.db$", path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)


def child_exit(server, worker):
    if _multiproc_dir:
        multiprocess.mark_process_dead(worker.pid)
