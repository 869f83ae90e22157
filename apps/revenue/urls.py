"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.revenue import views

urlpatterns = [
    path("revenue-shares/", views.agreement_list, name="revenue-share-list-page"),
    path("revenue-shares/<int:pk>/", views.agreement_detail, name="revenue-share-page"),
    path("revenue-shares/<int:pk>/reports/new/", views.report_submit, name="revenue-report-submit-page"),
    path("revenue-share-reports/<int:pk>/approve/", views.report_approve, name="revenue-report-approve-page"),
    path("revenue-share-reports/<int:pk>/settle/", views.report_settle, name="revenue-report-settle-page"),
    path(
        "revenue-share-reports/<int:pk>/attachments/<int:aid>/",
        views.report_attachment,
        name="revenue-report-attachment",
    ),
]
