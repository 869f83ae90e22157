"""PostgreSQL full text over segmented text: a generated ``tsvector`` (config ``simple``, title
weight A, body B) with a GIN index, ranked with ``ts_rank`` and a LIMIT.

The query is built as a ``tsquery`` literal from already-segmented terms (no parser involved)."""

from __future__ import annotations

from django.db import connection

from apps.search.models import SearchDocument

from .base import SearchQuery
from .sql import TABLE, SqlBackend


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "").replace("'", "''") + "'"


def tsquery_expression(q: SearchQuery) -> str:
    groups = []
    for g in q.groups:
        alts = []
        for alt in g.alternatives:
            alts.append("(" + " & ".join(_lexeme(t) for t in alt.terms) + ")")
        groups.append("(" + " | ".join(alts) + ")")
    return (" | " if q.match_any else " & ").join(groups)


class PostgresBackend(SqlBackend):
    name = "postgres"

    def match_sql(self, q: SearchQuery):
        frm = f"{TABLE} d, CAST(%s AS tsquery) AS query"
        return frm, "d.tsv @@ query", [tsquery_expression(q)], "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, query)"

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")

    def _bulk_add(self, docs) -> int:
        from .sql import to_row

        SearchDocument.objects.bulk_create([to_row(d) for d in docs], batch_size=500)
        return len(docs)

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {TABLE}")
