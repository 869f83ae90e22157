"""One search interface over three backends, chosen by ``settings.SEARCH_BACKEND``."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from .base import Hit, SearchBackend, SearchQuery, SearchResult

BACKENDS = {
    "sqlite": "apps.search.backends.sqlite_fts5.SqliteFts5Backend",
    "postgres": "apps.search.backends.postgres.PostgresBackend",
    "whoosh": "apps.search.backends.whoosh.WhooshBackend",
}
_instances: dict[str, SearchBackend] = {}

__all__ = ["Hit", "SearchBackend", "SearchQuery", "SearchResult", "get_backend"]


def get_backend(name: str | None = None) -> SearchBackend:
    name = name or getattr(settings, "SEARCH_BACKEND", "sqlite")
    if name == "sqlite" and connection.vendor == "postgresql":
        name = "postgres"  # the FTS5 table exists only in SQLite databases
    elif name == "postgres" and connection.vendor == "sqlite":
        name = "sqlite"
    if name not in _instances:
        _instances[name] = import_string(BACKENDS[name])()
    return _instances[name]
