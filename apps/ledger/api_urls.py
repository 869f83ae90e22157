"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.ledger.api import LedgerVerifyView

urlpatterns = [path("ledger/verify/", LedgerVerifyView.as_view(), name="ledger-verify")]
