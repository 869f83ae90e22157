"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.funds import api
from apps.funds.statement import FundStatementXlsxView

urlpatterns = [
    path("funds/", api.FundListView.as_view(), name="fund-list"),
    path("funds/<str:pk>/", api.FundDetailView.as_view(), name="fund-detail"),
    path("funds/<str:pk>/transfers/", api.FundTransfersView.as_view(), name="fund-transfers"),
    path("funds/<str:pk>/donations/", api.DonationCreateView.as_view(), name="fund-donations"),
    path("funds/<str:pk>/statement.xlsx", FundStatementXlsxView.as_view(), name="fund-statement-xlsx"),
    path("funds/<str:pk>/income/", api.IncomeView.as_view(), name="fund-income"),
    path("donations/<str:receipt_no>/verify/", api.ReceiptVerifyView.as_view(), name="donation-verify"),
]
