from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def index_task(doc_type: str, obj_id: str) -> bool:
    """Reload the object and index it or remove it (safe to repeat)."""
    from .services import index_object

    return index_object(doc_type=doc_type, obj_id=obj_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def whoosh_write(ops: list) -> int:
    """The single Whoosh writer: run a worker on queue ``search_writer`` with ``--concurrency 1``."""
    from .backends import get_backend

    return get_backend("whoosh").apply([tuple(op) for op in ops])
