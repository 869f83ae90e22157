"""A rebuild runs while the site stays up: a document that a live writer indexes before the
rebuild reaches it is kept (it is the newer one), and the rebuild finishes instead of failing on a
duplicate key halfway, which left the search with only the documents before it."""

from __future__ import annotations

import pytest

from apps.search.backends import get_backend
from apps.search.backends.base import SearchQuery
from apps.search.segmentation import parse_query

from .test_postgres_terms import _terms_rows, need

pytestmark = pytest.mark.django_db


def titles(engine, text: str) -> list[str]:
    return [h.title for h in engine.query(SearchQuery(groups=parse_query(text), limit=10)).hits]


def test_a_document_indexed_during_a_rebuild_is_kept(backend):
    if backend == "whoosh":
        pytest.skip("Whoosh's rebuild is its single writer; live updates queue behind it")
    engine = get_backend()

    def docs():
        for i in range(1, 9):
            if i == 4:
                # A worker re-indexes need 6 (its title was edited) while the rebuild is at need 4.
                engine.index([need("6", "garden edited", "garden")])
            yield need(str(i), f"garden {i}", "garden")

    assert engine.rebuild(docs(), batch=2) == 8
    assert engine.count() == 8
    assert titles(engine, "edited") == ["garden edited"]
    assert len(titles(engine, "garden")) == 8
    if backend == "postgres":
        assert _terms_rows() == 8  # and the bitmaps hold exactly the documents' terms
