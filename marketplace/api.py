"""API v1: every app contributes its routes through ``apps/<app>/api_urls.py``."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.core.api import api_not_found

API_APPS = (
    "core",
    "accounts",
    "regions",
    "organizations",
    "workers",
    "notifications",
    "ledger",
    "funds",
    "bidding",
    "projects",
    "shifts",
    "revenue",
    "cooperatives",
    "certification",
    "dispatch",
    "participation",
    "expenses",
    "fundreports",
    "search",
    "stats",
    "opendata",
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script as its own file (`docs/?script=`): the
    # Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    *[path("", include(f"apps.{app}.api_urls")) for app in API_APPS],
    # Last: every other path under /api/v1/ is a JSON 404 for every method.
    re_path(r"", api_not_found, name="api-not-found"),
]
