"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.cooperatives import views

urlpatterns = [
    path("cooperatives/", views.cooperative_list, name="cooperative-list-page"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative-page"),
    path(
        "cooperatives/<int:pk>/holders/<int:holder_pk>/certificate/", views.certificate, name="cooperative-certificate"
    ),
    path("cooperatives/<int:pk>/distribute/", views.distribution_preview, name="cooperative-distribution-preview-page"),
]
