from django.urls import path

from apps.workers import api

urlpatterns = [
    path("workers/", api.WorkerListView.as_view(), name="worker-list"),
    path("workers/me/", api.WorkerMeView.as_view(), name="worker-me"),
    path("workers/me/trainings/", api.MyTrainingsView.as_view(), name="worker-me-trainings"),
    path("workers/<str:pk>/", api.WorkerDetailView.as_view(), name="worker-detail"),
    path("workers/<str:pk>/verify/", api.WorkerVerifyView.as_view(), name="worker-verify"),
    path("workers/<str:pk>/training-summary/", api.WorkerTrainingSummaryView.as_view(), name="worker-training-summary"),
    path("trainings/", api.TrainingListView.as_view(), name="training-list"),
    path("trainings/<str:pk>/", api.TrainingDetailView.as_view(), name="training-detail"),
    path("trainings/<str:pk>/certificate/", api.TrainingCertificateView.as_view(), name="api-training-certificate"),
    path("trainings/<str:pk>/verify/", api.TrainingVerifyView.as_view(), name="training-verify"),
    path("trainings/<str:pk>/reject/", api.TrainingRejectView.as_view(), name="training-reject"),
]
