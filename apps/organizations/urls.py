from django.urls import path

from apps.organizations import views

urlpatterns = [path("organizations/<int:pk>/", views.organization_detail, name="organization-detail-page")]
