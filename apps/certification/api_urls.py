"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.certification import api

urlpatterns = [
    path("certifications/", api.CertificationListView.as_view(), name="certification-list"),
    path("certifications/assignments/", api.AssignmentListView.as_view(), name="certification-assignments"),
    path("certifications/<str:pk>/", api.CertificationDetailView.as_view(), name="certification-detail"),
    path("certifications/<str:pk>/documents/", api.DocumentListView.as_view(), name="certification-documents"),
    path(
        "certifications/<str:pk>/documents/<str:doc>/",
        api.DocumentDownloadView.as_view(),
        name="certification-document",
    ),
    path("certifications/<str:pk>/submit/", api.SubmitView.as_view(), name="certification-submit"),
    path("certifications/<str:pk>/preliminary/", api.PreliminaryView.as_view(), name="certification-preliminary"),
    path("certifications/<str:pk>/panel/", api.PanelView.as_view(), name="certification-panel"),
    path("certifications/<str:pk>/declarations/", api.DeclarationView.as_view(), name="certification-declarations"),
    path("certifications/<str:pk>/scores/", api.ScoreView.as_view(), name="certification-scores"),
    path("certifications/<str:pk>/decide/", api.DecideView.as_view(), name="certification-decide"),
    path("certifications/<str:pk>/objections/", api.ObjectionListView.as_view(), name="certification-objections"),
    path(
        "certifications/<str:pk>/objections/<str:oid>/resolve/",
        api.ObjectionResolveView.as_view(),
        name="certification-objection-resolve",
    ),
    path("certifications/<str:pk>/revoke/", api.RevokeView.as_view(), name="certification-revoke"),
    path("certifications/<str:pk>/annual-reports/", api.AnnualReportListView.as_view(), name="certification-reports"),
    path("social-enterprises/", api.RegistryView.as_view(), name="social-enterprise-list"),
    path("certificates/<str:certificate_no>/", api.CertificateDetailView.as_view(), name="certificate-detail"),
]
