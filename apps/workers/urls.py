from django.urls import path

from apps.workers import verification_views, views

urlpatterns = [
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail-page"),
    path("verification/workers/", verification_views.worker_queue_view, name="worker-verification-queue"),
    path(
        "verification/workers/<int:pk>/verify/",
        verification_views.worker_decision_view,
        {"action": "verify"},
        name="worker-verify-page",
    ),
    path(
        "verification/workers/<int:pk>/reject/",
        verification_views.worker_decision_view,
        {"action": "reject"},
        name="worker-reject-page",
    ),
]
