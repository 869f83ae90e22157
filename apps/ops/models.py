from django.db import models


class LedgerVerifyRun(models.Model):
    """One run of the ledger's full verification (``apps.ledger.selectors.ledger_verify``), recorded
    by the ``ops_ledger_verify`` job and ``manage.py restore_check``; /metrics shows the newest."""

    finished_at = models.DateTimeField(db_index=True)
    seconds = models.FloatField()
    ok = models.BooleanField()
    transfers = models.PositiveBigIntegerField(default=0)
    faults = models.PositiveIntegerField(default=0)
    first_fault = models.TextField(blank=True)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAULT'}"
