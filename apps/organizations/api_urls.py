from django.urls import path

from apps.organizations import api

urlpatterns = [
    path("organizations/", api.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<str:pk>/", api.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<str:pk>/verify/", api.OrganizationVerifyView.as_view(), name="organization-verify"),
    path("organizations/<str:pk>/members/", api.OrganizationMembersView.as_view(), name="organization-members"),
]
