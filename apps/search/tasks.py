"""Search's Celery tasks. The services index and reconcile; a task reloads one object and indexes it,
and ``enqueue_index`` starts that task once the saving transaction commits."""

from celery import shared_task
from django.db import transaction

from .backends.whoosh import whoosh_write
from .services import index_object

__all__ = ["enqueue_index", "index_task", "whoosh_write"]


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def index_task(doc_type: str, obj_id: str) -> bool:
    """Reload the object and index it or remove it (safe to repeat)."""
    return index_object(doc_type=doc_type, obj_id=obj_id)


def enqueue_index(*, doc_type: str, obj_id) -> None:
    transaction.on_commit(lambda: index_task.delay(doc_type, str(obj_id)), robust=True)
