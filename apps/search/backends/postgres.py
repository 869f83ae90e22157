"""PostgreSQL full text over segmented text: a generated ``tsvector`` (config ``simple``, title
weight A, body B) with a GIN index, ranked with ``ts_rank`` and a LIMIT.

The query is built as a ``tsquery`` literal from already-segmented terms (no parser involved)."""

from __future__ import annotations

from django.db import connection

from .base import SearchQuery
from .sql import TABLE, SqlBackend


def _lexeme(term: str, weight: str = "") -> str:
    return "'" + term.replace("\\", "").replace("'", "''") + "'" + (":" + weight if weight else "")


def tsquery_expression(q: SearchQuery, *, weight: str = "") -> str:
    """``weight="A"`` restricts every lexeme to the title (weight A)."""
    groups = []
    for g in q.groups:
        alts = []
        for alt in g.alternatives:
            alts.append("(" + " & ".join(_lexeme(t, weight) for t in alt.terms) + ")")
        groups.append("(" + " | ".join(alts) + ")")
    return (" | " if q.match_any else " & ").join(groups)


class PostgresBackend(SqlBackend):
    name = "postgres"

    def match_sql(self, q: SearchQuery, *, joined: bool):
        frm = f"{TABLE} d, CAST(%s AS tsquery) AS query"
        rank = "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, query)"
        return frm, "d.tsv @@ query", [tsquery_expression(q)], rank, "d.id"

    def title_match_sql(self, q: SearchQuery, *, joined: bool):
        return f"{TABLE} d WHERE d.tsv @@ CAST(%s AS tsquery)", [tsquery_expression(q, weight="A")]

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {TABLE}")
