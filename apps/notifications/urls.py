"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
]
