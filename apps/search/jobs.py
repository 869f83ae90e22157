from apps.core.jobs import scheduled_job


@scheduled_job("search_reconcile")
def search_reconcile_job():
    """Nightly: compare the index with the database and repair differences."""
    from .services import search_reconcile

    return search_reconcile()
