"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path, re_path

from apps.fundreports import views

PERIOD = r"(?P<year>\d{4})-Q(?P<quarter>[1-4])"

urlpatterns = [
    path("funds/<int:pk>/reports/", views.report_list, name="fundreport-list"),
    re_path(rf"^funds/(?P<pk>\d+)/reports/{PERIOD}/$", views.report_detail, name="fundreport-page"),
    re_path(rf"^funds/(?P<pk>\d+)/reports/{PERIOD}/pdf/$", views.report_pdf, name="fundreport-pdf"),
    path("funds/<int:pk>/reports/unsubscribe/<str:token>/", views.unsubscribe, name="fundreport-unsubscribe"),
]
