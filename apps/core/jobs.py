"""Registry of periodic jobs. Each app declares its jobs in ``apps/<app>/jobs.py`` with
``@scheduled_job("name")``; ``manage.py run_scheduled`` and Celery beat run the same ones.

Jobs fail alone: each runs in its own transaction, and one that raises is logged with its name
and rolled back while the others still run. Celery beat runs each job as its own task
(``apps.core.tasks.run_job_task``), one beat entry per job (``beat_schedule``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps as django_apps
from django.db import transaction

logger = logging.getLogger(__name__)
_registry: dict[str, Callable[[], object]] = {}

JOB_TASK = "apps.core.tasks.run_job_task"
# Every job acts only on what is due when it runs, so beat starts each one every five minutes.
JOB_INTERVAL_SECONDS = 300.0


def scheduled_job(name: str):
    def register(func):
        _registry[name] = func
        return func

    return register


def discover() -> dict[str, Callable[[], object]]:
    for config in django_apps.get_app_configs():
        if config.name.startswith(("apps.", "cms")):
            try:
                import_module(f"{config.name}.jobs")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.jobs":
                    raise
    return dict(_registry)


@dataclass(frozen=True)
class JobFailed:
    """What ``run_due_jobs`` records for a job that raised (its traceback is in the log)."""

    error: Exception

    def __str__(self) -> str:
        return f"failed: {type(self.error).__name__}: {self.error}"


def run_job(name: str) -> object:
    """Run one registered job in its own transaction; a failure is logged with the job's name
    and raised again (the caller decides whether the others go on)."""
    func = discover()[name]
    try:
        with transaction.atomic():
            return func()
    except Exception:
        logger.exception("scheduled job %s failed", name)
        raise


def run_due_jobs(*, only: list[str] | None = None) -> dict[str, object]:
    """Run every registered job (each is idempotent and acts only on what is due now). A job that
    raises is rolled back and recorded as ``JobFailed``; the others still run."""
    results: dict[str, object] = {}
    for name in sorted(discover()):
        if only and name not in only:
            continue
        try:
            results[name] = run_job(name)
        except Exception as exc:
            results[name] = JobFailed(exc)
    return results


def beat_schedule() -> dict[str, dict]:
    """One Celery beat entry per registered job, each running the job as its own task."""
    return {
        f"job-{name}": {"task": JOB_TASK, "schedule": JOB_INTERVAL_SECONDS, "args": (name,)}
        for name in sorted(discover())
    }
