from django.urls import path

from apps.workers import api

urlpatterns = [
    path("workers/", api.WorkerListView.as_view(), name="worker-list"),
    path("workers/me/", api.WorkerMeView.as_view(), name="worker-me"),
    path("workers/<str:pk>/", api.WorkerDetailView.as_view(), name="worker-detail"),
    path("workers/<str:pk>/verify/", api.WorkerVerifyView.as_view(), name="worker-verify"),
]
