"""Web pages of this app (included by marketplace/urls.py inside i18n_patterns)."""

urlpatterns: list = []
