"""Registry of periodic jobs. Each app declares its jobs in ``apps/<app>/jobs.py`` with
``@scheduled_job("name")``; ``manage.py run_scheduled`` and Celery beat run the same ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module

from django.apps import apps as django_apps

logger = logging.getLogger(__name__)
_registry: dict[str, Callable[[], object]] = {}


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


def run_due_jobs(*, only: list[str] | None = None) -> dict[str, object]:
    """Run every registered job (each is idempotent and acts only on what is due now)."""
    results = {}
    for name, func in sorted(discover().items()):
        if only and name not in only:
            continue
        results[name] = func()
    return results
