from apps.core.jobs import scheduled_job
from apps.ops.services import ledger_verify_record_if_due


@scheduled_job("ops_ledger_verify")
def ops_ledger_verify():
    """Verify the whole ledger once a day and record the result for /metrics (idempotent: a run
    within the last 24 hours makes this a no-op)."""
    run = ledger_verify_record_if_due()
    return "skipped" if run is None else ("ok" if run.ok else f"FAULT: {run.first_fault}")
