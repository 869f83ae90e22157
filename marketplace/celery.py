import os

from celery import Celery

from apps.core.jobs import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
# Prometheus counters of the worker's pool processes (deploy/README.md, Metrics).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_each_job(sender, **kwargs):
    """One beat entry per registered job (``apps.core.jobs.beat_schedule``). Beat finalizes the
    app after Django is set up and before its scheduler reads ``beat_schedule``."""
    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}
