"""Writes of the ops app: recording a ledger verification."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from apps.ledger.selectors import ledger_verify
from apps.ops.models import LedgerVerifyRun

# The job verifies at most this often (a full verification reads every transfer and leg).
LEDGER_VERIFY_EVERY = dt.timedelta(hours=24)


def ledger_verify_record() -> LedgerVerifyRun:
    """Verify the whole ledger now and record the outcome (shown by /metrics)."""
    started = time.monotonic()
    report = ledger_verify()
    bad = report.get("first_bad")
    return LedgerVerifyRun.objects.create(
        finished_at=timezone.now(),
        seconds=time.monotonic() - started,
        ok=bool(report["ok"]),
        transfers=report["transfers"],
        faults=len(report.get("faults") or []),
        first_fault=f"{bad['transfer']} (id {bad['id']}): {bad['problem']}" if bad else "",
    )


def ledger_verify_record_if_due(*, now: dt.datetime | None = None) -> LedgerVerifyRun | None:
    now = now or timezone.now()
    last = LedgerVerifyRun.objects.order_by("-finished_at").first()
    if last is not None and now - last.finished_at < LEDGER_VERIFY_EVERY:
        return None
    return ledger_verify_record()
