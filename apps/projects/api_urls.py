"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.projects import api

urlpatterns = [
    path("projects/", api.ProjectListView.as_view(), name="project-list"),
    path("projects/<str:pk>/", api.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<str:pk>/team/", api.ProjectTeamView.as_view(), name="project-team"),
    path("projects/<str:pk>/team/<str:member_pk>/end/", api.ProjectTeamEndView.as_view(), name="project-team-end"),
    path("projects/<str:pk>/milestones/<str:mid>/", api.MilestoneDetailView.as_view(), name="milestone-detail"),
    path("projects/<str:pk>/milestones/<str:mid>/submit/", api.MilestoneSubmitView.as_view(), name="milestone-submit"),
    path("projects/<str:pk>/milestones/<str:mid>/accept/", api.MilestoneAcceptView.as_view(), name="milestone-accept"),
    path("projects/<str:pk>/milestones/<str:mid>/return/", api.MilestoneReturnView.as_view(), name="milestone-return"),
    path(
        "projects/<str:pk>/milestones/<str:mid>/attachments/<str:aid>/",
        api.MilestoneAttachmentDownloadView.as_view(),
        name="milestone-attachment",
    ),
    path("service-logs/", api.ServiceLogListView.as_view(), name="service-log-list"),
    path("service-logs/export.csv", api.ServiceLogExportCsvView.as_view(), name="service-log-export-csv"),
    path("service-logs/export.xlsx", api.ServiceLogExportXlsxView.as_view(), name="service-log-export-xlsx"),
    path("service-logs/<str:pk>/", api.ServiceLogDetailView.as_view(), name="service-log-detail"),
    path("service-logs/<str:pk>/approve/", api.ServiceLogApproveView.as_view(), name="service-log-approve"),
    path("service-logs/<str:pk>/confirm/", api.ServiceLogConfirmView.as_view(), name="service-log-confirm"),
    path("service-logs/<str:pk>/reject/", api.ServiceLogRejectView.as_view(), name="service-log-reject"),
    path("service-logs/<str:pk>/amend/", api.ServiceLogAmendView.as_view(), name="service-log-amend"),
    path("service-logs/<str:pk>/history/", api.ServiceLogHistoryView.as_view(), name="service-log-history"),
    path("workers/<str:pk>/hours-summary/", api.WorkerHoursSummaryView.as_view(), name="worker-hours-summary"),
]
