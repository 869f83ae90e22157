"""SQLite FTS5 over segmented text, ranked inside FTS5 (bm25, title ×10) with a LIMIT.

``search_fts`` is an external-content FTS5 table over ``search_searchdocument`` (rowid = id), so
the tokens are stored once. The backend adds a document's tokens after writing its row; a trigger
removes them with the row, however it is deleted (migration 0008), so the index never holds a
document the table lacks: an unfiltered query counts in FTS5 alone. Rebuilds write the rows in
bulk, then run FTS5 ``rebuild`` and ``optimize`` and ``ANALYZE``.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection, transaction

from .base import SearchQuery
from .sql import TABLE, SqlBackend

_FOLLOW = import_module("apps.search.migrations.0008_fts_follows_deletes")


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

    def match_sql(self, q: SearchQuery, *, joined: bool):
        # Without filters FTS5 alone answers (a join reads every matching row of the big table).
        frm = f"search_fts JOIN {TABLE} d ON d.id = search_fts.rowid" if joined else "search_fts"
        return frm, "search_fts MATCH %s", [fts_expression(q)], "-bm25(search_fts, 10.0, 1.0)", "search_fts.rowid"

    def title_match_sql(self, q: SearchQuery, *, joined: bool):
        frm = f"search_fts JOIN {TABLE} d ON d.id = search_fts.rowid" if joined else "search_fts"
        return f"{frm} WHERE search_fts MATCH %s", ["{title_seg} : (" + fts_expression(q) + ")"]

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
        # Emptied at once: the trigger would remove every document's tokens one by one.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(_FOLLOW.DROP_FOLLOW_DELETE)
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('delete-all')")
            cur.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - one statement, not the ORM's collector
            cur.execute(_FOLLOW.FOLLOW_DELETE)

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('rebuild')")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")
            cur.execute("ANALYZE")
