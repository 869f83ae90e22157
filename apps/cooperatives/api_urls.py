"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from apps.cooperatives import api

urlpatterns = [
    path("cooperatives/", api.CooperativeListCreate.as_view(), name="cooperative-list"),
    path("cooperatives/<int:pk>/", api.CooperativeDetail.as_view(), name="cooperative-detail"),
    path("cooperatives/<int:pk>/holders/", api.HolderListCreate.as_view(), name="cooperative-holders"),
    path("cooperatives/<int:pk>/share-transfers/", api.TransferListCreate.as_view(), name="cooperative-transfers"),
    path(
        "cooperatives/<int:pk>/distributions/", api.DistributionListCreate.as_view(), name="cooperative-distributions"
    ),
    path("cooperatives/<int:pk>/profits/", api.ProfitListCreate.as_view(), name="cooperative-profits"),
    path(
        "cooperatives/<int:pk>/profits/<int:pid>/statement/",
        api.ProfitStatement.as_view(),
        name="cooperative-profit-statement",
    ),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/approve/",
        api.DistributionApprove.as_view(),
        name="cooperative-distribution-approve",
    ),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/reject/",
        api.DistributionReject.as_view(),
        name="cooperative-distribution-reject",
    ),
    path(
        "cooperatives/<int:pk>/distributions/<int:did>/allocations/<int:aid>/pay/",
        api.DividendPay.as_view(),
        name="cooperative-dividend-pay",
    ),
    path(
        "cooperatives/<int:pk>/distributions/preview/",
        api.DistributionPreview.as_view(),
        name="cooperative-distribution-preview",
    ),
]
