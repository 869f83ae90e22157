"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.funds import views

urlpatterns = [
    path("funds/", views.fund_list, name="fund-list-page"),
    path("funds/<int:pk>/", views.fund_detail, name="fund-detail-page"),
    path("funds/<int:pk>/transfers.csv", views.fund_transfers_csv, name="fund-transfers-csv"),
    path("funds/<int:pk>/donate/", views.donation_form, name="fund-donate-page"),
    path("funds/<int:pk>/holds/", views.refund_holds, name="fund-refund-holds"),
    path("funds/<int:pk>/holds/<int:hold_id>/", views.refund_hold_confirm, name="fund-refund-hold-confirm"),
    path("funds/<int:pk>/payouts/", views.fund_payouts, name="fund-payouts"),
    path("funds/donations/<int:pk>/thanks/", views.donation_thanks, name="donation-thanks"),
    path("receipts/<str:receipt_no>/", views.receipt, name="receipt-page"),
    path("receipts/<str:receipt_no>/pdf/", views.receipt_pdf, name="receipt-pdf"),
    path("giving/<str:token>/", views.giving_page, name="giving-page"),
]
