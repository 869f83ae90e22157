"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.ledger.api import LedgerGeneralLedgerCsvView, LedgerTrialBalanceView, LedgerVerifyView

urlpatterns = [
    path("ledger/verify/", LedgerVerifyView.as_view(), name="ledger-verify"),
    path("ledger/trial-balance/", LedgerTrialBalanceView.as_view(), name="ledger-trial-balance"),
    path("ledger/general-ledger.csv", LedgerGeneralLedgerCsvView.as_view(), name="ledger-general-ledger-csv"),
]
