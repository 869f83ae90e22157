from django.urls import path

from apps.organizations import verification_views, views

urlpatterns = [
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail-page"),
    path(
        "verification/organizations/",
        verification_views.organization_queue_view,
        name="organization-verification-queue",
    ),
    path(
        "verification/organizations/<int:pk>/verify/",
        verification_views.organization_decision_view,
        {"action": "verify"},
        name="organization-verify-page",
    ),
    path(
        "verification/organizations/<int:pk>/reject/",
        verification_views.organization_decision_view,
        {"action": "reject"},
        name="organization-reject-page",
    ),
]
