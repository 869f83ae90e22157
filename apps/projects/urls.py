"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.projects import views

app_name = "projects"

urlpatterns = [
    path("hours/", views.hours_log, name="hours"),
    path("hours/record/", views.hours_record, name="hours-record"),
    path("hours/record/pdf/", views.hours_record_pdf, name="hours-record-pdf"),
    path("hours/approve/", views.approve_queue, name="approve-queue"),
    path("hours/confirm/", views.confirm_queue, name="confirm-queue"),
    path("records/<str:verification_no>/", views.record_verify, name="record-verify"),
    path("projects/mine/", views.community_projects, name="community-projects"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path(
        "projects/<int:pk>/milestones/<int:mid>/attachments/<int:aid>/",
        views.milestone_attachment,
        name="milestone-attachment",
    ),
    path("projects/<int:pk>/milestones/<int:mid>/accept/", views.milestone_accept, name="milestone-accept"),
    path("projects/<int:pk>/milestones/<int:mid>/<str:action>/", views.milestone_action, name="milestone-action"),
]
