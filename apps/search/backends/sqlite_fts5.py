"""SQLite FTS5 over segmented text, ranked inside FTS5 (bm25, title ×10) with a LIMIT.

``search_fts`` is an external-content FTS5 table over ``search_searchdocument`` (rowid = id), so
the tokens are stored once. Rebuilds write the rows in bulk, then run FTS5 ``rebuild`` and
``optimize`` and ``ANALYZE``.
"""

from __future__ import annotations

from django.db import connection

from apps.search.models import SearchDocument

from .base import SearchQuery
from .sql import TABLE, SqlBackend, to_row


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_expression(q: SearchQuery) -> str:
    groups = []
    for g in q.groups:
        alts = []
        for alt in g.alternatives:
            if len(alt.terms) == 1:
                alts.append(_quote(alt.terms[0]))
            else:
                alts.append("(" + " AND ".join(_quote(t) for t in alt.terms) + ")")
        groups.append("(" + " OR ".join(alts) + ")")
    return (" OR " if q.match_any else " AND ").join(groups)


class SqliteFts5Backend(SqlBackend):
    name = "sqlite"

    def match_sql(self, q: SearchQuery):
        frm = f"search_fts JOIN {TABLE} d ON d.id = search_fts.rowid"
        return frm, "search_fts MATCH %s", [fts_expression(q)], "-bm25(search_fts, 10.0, 1.0)"

    def _before_remove(self, ids: list[int]) -> None:
        with connection.cursor() as cur:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                cur.execute(
                    "INSERT INTO search_fts(search_fts, rowid, title_seg, body_seg) "  # noqa: S608
                    f"SELECT 'delete', id, title_seg, body_seg FROM {TABLE} WHERE id IN ({','.join(['%s'] * len(part))})",
                    part,
                )

    def _after_add(self, ids: list[int]) -> None:
        with connection.cursor() as cur:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                cur.execute(
                    "INSERT INTO search_fts(rowid, title_seg, body_seg) "  # noqa: S608
                    f"SELECT id, title_seg, body_seg FROM {TABLE} WHERE id IN ({','.join(['%s'] * len(part))})",
                    part,
                )

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('delete-all')")
        SearchDocument.objects.all().delete()

    def _bulk_add(self, docs) -> int:
        # Rows only; the FTS index is built in one pass by optimize().
        SearchDocument.objects.bulk_create([to_row(d) for d in docs], batch_size=500)
        return len(docs)

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('rebuild')")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")
            cur.execute("ANALYZE")
