"""API v1 routes of this app (included under /api/v1/ by marketplace/api.py)."""

from django.urls import path

from .api import SearchView

urlpatterns: list = [path("search/", SearchView.as_view(), name="api-search")]
