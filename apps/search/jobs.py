from apps.core.jobs import scheduled_job

from .services import search_index_relay, search_reconcile


@scheduled_job("search_reconcile")
def search_reconcile_job():
    """Nightly: compare the index with the database and repair differences."""
    return search_reconcile()


@scheduled_job("search_index_relay")
def search_index_relay_job():
    """Apply the index updates that could not be queued while the broker was down."""
    return search_index_relay()
