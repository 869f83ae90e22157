from django.urls import path

from apps.workers import views

urlpatterns = [path("workers/<int:pk>/", views.worker_detail, name="worker-detail-page")]
