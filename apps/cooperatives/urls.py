"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from apps.cooperatives import views

urlpatterns = [
    path("cooperatives/", views.cooperative_list, name="cooperative-list-page"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative-page"),
    path(
        "cooperatives/<int:pk>/holders/<int:holder_pk>/certificate/", views.certificate, name="cooperative-certificate"
    ),
    path("cooperatives/<int:pk>/holders/new/", views.holder_add, name="cooperative-holder-add"),
    path("cooperatives/<int:pk>/share-transfers/new/", views.share_transfer_add, name="cooperative-transfer-add"),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/allocations/<int:aid>/pay/",
        views.dividend_pay,
        name="cooperative-dividend-pay",
    ),
    path("cooperatives/<int:pk>/profits/new/", views.profit_add, name="cooperative-profit-add"),
    path(
        "cooperatives/<int:pk>/profits/<int:pid>/statement/",
        views.profit_statement,
        name="cooperative-profit-statement",
    ),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/approve/",
        views.distribution_approve,
        name="cooperative-distribution-approve",
    ),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/reject/",
        views.distribution_reject,
        name="cooperative-distribution-reject",
    ),
    path("cooperatives/<int:pk>/distribute/", views.distribution_preview, name="cooperative-distribution-preview-page"),
]
