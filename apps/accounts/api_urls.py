from django.urls import path

from apps.accounts import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:token_id>/", api.ApiTokenDetailView.as_view(), name="auth-token-detail"),
    path("me/", api.MeView.as_view(), name="me"),
    path("policy/", api.PolicyView.as_view(), name="policy"),
]
