"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.shifts import views

app_name = "shifts"

urlpatterns = [
    path("shifts/mine/", views.my_shifts, name="mine"),
    path("shifts/<int:pk>/signup/", views.signup, name="signup"),
    path("shifts/<int:pk>/check/", views.check, name="check"),
    path("shifts/<int:pk>/code/", views.code_page, name="code"),
    path("shifts/<int:pk>/code/live/", views.code_live, name="code-live"),
    path("shifts/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("shifts/today/", views.witness_today, name="witness-today"),
    path("projects/<int:pk>/shifts/", views.project_shifts, name="project-shifts"),
]
