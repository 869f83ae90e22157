from apps.core.jobs import scheduled_job

from .services import search_reconcile


@scheduled_job("search_reconcile")
def search_reconcile_job():
    """Nightly: compare the index with the database and repair differences."""
    return search_reconcile()
