"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/preferences/", api.NotificationPreferencesView.as_view(), name="api-notification-preferences"),
    path("notifications/<int:pk>/read/", api.NotificationReadView.as_view(), name="api-notification-read"),
]
