"""Search's Celery tasks. The services index and reconcile; a task reloads one object and indexes it,
and ``enqueue_index`` starts that task once the saving transaction commits.

With the broker down, the update is not lost: ``index_queue`` keeps it in the database
(``PendingIndexUpdate``) and the relay job ``search_index_relay`` applies it once the broker is
back. After one refused publish the process writes its updates straight there for
``BROKER_DOWN_SECONDS``, so a request or job that saves many objects waits on the broker once."""

import logging
import time

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from .backends.whoosh import whoosh_write
from .services import index_object, index_update_keep

__all__ = ["enqueue_index", "index_queue", "index_task", "whoosh_write"]

logger = logging.getLogger(__name__)
BROKER_DOWN_SECONDS = 10.0
_broker_down_until = 0.0


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def index_task(doc_type: str, obj_id: str) -> bool:
    """Reload the object and index it or remove it (safe to repeat)."""
    return index_object(doc_type=doc_type, obj_id=obj_id)


def enqueue_index(*, doc_type: str, obj_id) -> None:
    transaction.on_commit(lambda: index_queue(doc_type, str(obj_id)), robust=True)


def index_queue(doc_type: str, obj_id: str) -> None:
    """Hand one index update to a worker, or, with the broker down, keep it for the relay job."""
    global _broker_down_until  # one flag per process, read by every thread
    if time.monotonic() >= _broker_down_until:
        try:
            index_task.delay(doc_type, obj_id)
            return
        except OperationalError:
            _broker_down_until = time.monotonic() + BROKER_DOWN_SECONDS
    logger.warning("search: index update %s:%s kept for the relay job (broker down)", doc_type, obj_id)
    index_update_keep(doc_type=doc_type, obj_id=obj_id)
