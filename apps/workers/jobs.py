"""Periodic jobs of the workers (run by ``manage.py run_scheduled`` and Celery beat)."""

from apps.core.jobs import scheduled_job
from apps.workers.services import trainings_warn_shortfall


@scheduled_job("workers_warn_training_shortfall")
def warn_training_shortfall() -> int:
    """Workers 180 and 60 days before their registration ends, short of continuing education."""
    return trainings_warn_shortfall()
