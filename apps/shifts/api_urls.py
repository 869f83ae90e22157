"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.shifts import api

urlpatterns = [
    path("projects/<str:pk>/shifts/", api.ProjectShiftListView.as_view(), name="project-shift-list"),
    path("projects/<str:pk>/shifts/bulk/", api.ProjectShiftBulkView.as_view(), name="project-shift-bulk"),
    path("shifts/mine/", api.MyShiftListView.as_view(), name="shift-mine"),
    path("shifts/<str:pk>/", api.ShiftDetailView.as_view(), name="shift-detail"),
    path("shifts/<str:pk>/signup/", api.ShiftSignupView.as_view(), name="shift-signup"),
    path("shifts/<str:pk>/code/", api.ShiftCodeView.as_view(), name="shift-code"),
    path("shifts/<str:pk>/check-in/", api.ShiftCheckInView.as_view(), name="shift-check-in"),
    path("shifts/<str:pk>/check-out/", api.ShiftCheckOutView.as_view(), name="shift-check-out"),
    path("shifts/<str:pk>/attendance/", api.ShiftAttendanceView.as_view(), name="shift-attendance"),
]
