"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("search/", views.search_results, name="search"),
    path("search/suggest/", views.search_suggest, name="search-suggest"),
]
