"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.revenue import api

urlpatterns = [
    path("revenue-shares/", api.AgreementListCreate.as_view(), name="revenue-share-list"),
    path("revenue-shares/<int:pk>/", api.AgreementDetail.as_view(), name="revenue-share-detail"),
    path("revenue-shares/<int:pk>/reports/", api.AgreementReports.as_view(), name="revenue-share-reports"),
    path("revenue-share-reports/", api.ReportList.as_view(), name="revenue-report-list"),
    path("revenue-share-reports/<int:pk>/", api.ReportDetail.as_view(), name="revenue-report-detail"),
    path("revenue-share-reports/<int:pk>/approve/", api.ReportApprove.as_view(), name="revenue-report-approve"),
    path("revenue-share-reports/<int:pk>/return/", api.ReportReturn.as_view(), name="revenue-report-return"),
    path("revenue-share-reports/<int:pk>/settle/", api.ReportSettle.as_view(), name="revenue-report-settle"),
]
