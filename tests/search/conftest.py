import pytest
from django.db import connection

from apps.search import backends


def available_backends():
    return ["sqlite", "whoosh", "postgres"]


@pytest.fixture(params=available_backends())
def backend(request, settings, tmp_path):
    """Each search backend in turn (SQL backends only on their own database vendor)."""
    name = request.param
    if name == "sqlite" and connection.vendor != "sqlite":
        pytest.skip("FTS5 lives in SQLite")
    if name == "postgres" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings.SEARCH_BACKEND = name
    settings.SEARCH_INDEX_DIR = str(tmp_path / "whoosh")
    backends._instances.clear()
    yield name
    backends._instances.clear()
