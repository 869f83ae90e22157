"""The Celery app of the worker-kill fault test: the site's own app (marketplace.celery, its
settings and tasks) plus what only the test needs, so production code carries no test switch.

- ``faults.milestone_payout``: the test's own task. A payout runs inside a request today
  (accepting a milestone); as a task it loads the milestone and calls the service, as every task does.
- A pause: with ``FAULTS_PAUSE`` set, the worker's pool process stops at that point of its first
  task, writes its process id to ``$FAULTS_DIR/reached`` and waits to be killed (once: when that
  file exists, a later task or pool process runs through):
  ``sql:<text>`` just after the first SQL statement containing <text> (inside the service's
  transaction, not committed); ``task_postrun:<task name>`` after that task's work is committed but
  before the broker is told (acks_late).
- A short visibility timeout (``FAULTS_VISIBILITY_TIMEOUT``): Redis hands a message that a killed
  worker never acknowledged to the next worker after it, instead of after the default hour.

    celery -A tests.ops.faults_worker worker …"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import task_postrun, task_prerun

from marketplace.celery import app

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "visibility_timeout": float(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "3600")),
}
PAUSE = os.environ.get("FAULTS_PAUSE", "")


def _pause_here() -> None:
    """Once per test: a task redelivered to a new pool process after the kill runs through."""
    reached = Path(os.environ["FAULTS_DIR"], "reached")
    if reached.exists():
        return
    reached.write_text(str(os.getpid()))
    while True:  # until the test's SIGKILL
        time.sleep(1)


@app.task(name="faults.milestone_payout")
def milestone_payout_task(milestone_id: int) -> None:
    from apps.funds.payouts import milestone_payout  # noqa: PLC0415 - Django is set up by now
    from apps.projects.models import Milestone  # noqa: PLC0415

    milestone_payout(milestone=Milestone.objects.select_related("project").get(pk=milestone_id))


@task_prerun.connect
def _pause_after_statement(**kwargs):
    if not PAUSE.startswith("sql:"):
        return
    from django.db import connection  # noqa: PLC0415

    text = PAUSE.removeprefix("sql:")

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if text in sql:
            _pause_here()
        return result

    connection.execute_wrappers.append(wrapper)


@task_postrun.connect
def _pause_before_ack(task=None, **kwargs):
    if PAUSE.startswith("task_postrun:") and task is not None and task.name == PAUSE.removeprefix("task_postrun:"):
        _pause_here()
