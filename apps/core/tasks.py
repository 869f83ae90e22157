from celery import shared_task

from apps.core.jobs import run_due_jobs


@shared_task
def run_scheduled_task():
    return {name: str(result) for name, result in run_due_jobs().items()}
