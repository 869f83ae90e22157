from celery import shared_task

from apps.core.jobs import run_job


@shared_task
def run_job_task(name: str) -> str:
    """One periodic job as its own task (Celery beat starts one per job): a failure is this task's
    failure, retried, timed and monitored apart from the other jobs."""
    return str(run_job(name))
