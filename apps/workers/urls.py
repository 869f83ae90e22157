from django.urls import path

from apps.workers import training_views, verification_views, views

urlpatterns = [
    path("workers/me/trainings/", training_views.my_trainings, name="my-trainings"),
    path("trainings/to-verify/", training_views.training_queue, name="training-queue"),
    path(
        "trainings/<int:pk>/verify/",
        training_views.training_decision,
        {"action": "verify"},
        name="training-verify-page",
    ),
    path(
        "trainings/<int:pk>/reject/",
        training_views.training_decision,
        {"action": "reject"},
        name="training-reject-page",
    ),
    path("trainings/<int:pk>/certificate/", training_views.training_certificate, name="training-certificate"),
    path("trainings/at-risk/", training_views.trainings_at_risk, name="trainings-at-risk"),
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
