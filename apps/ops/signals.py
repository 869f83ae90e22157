"""Celery hooks: the request id travels in a task's message headers, and each task's outcome is
counted for /metrics."""

from __future__ import annotations

import logging

from celery.signals import before_task_publish, task_postrun, task_prerun

from apps.ops.logs import request_id_var
from apps.ops.metrics import TASKS

HEADER = "sanshe_request_id"
logger = logging.getLogger(__name__)


@before_task_publish.connect(dispatch_uid="ops_request_id_publish")
def _publish_request_id(headers=None, **kwargs):
    rid = request_id_var.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


@task_prerun.connect(dispatch_uid="ops_request_id_prerun")
def _restore_request_id(task=None, **kwargs):
    request = getattr(task, "request", None)
    if request is None or request.is_eager:
        return  # eager: the task runs in the caller's context and already sees its id
    request_id_var.set(getattr(request, HEADER, None) or (request.get("headers") or {}).get(HEADER))
    logger.info("task %s started", task.name, extra={"task_id": request.id})


@task_postrun.connect(dispatch_uid="ops_task_outcome")
def _count_outcome(task=None, state=None, **kwargs):
    if task is None:
        return
    TASKS.labels(task.name, state or "UNKNOWN").inc()
    if not task.request.is_eager:
        request_id_var.set(None)
