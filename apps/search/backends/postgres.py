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

    def order_key(self, idcol: str) -> str:
        # "+ 0" keeps the planner off a backward primary-key scan that tests every row's tsvector;
        # the GIN bitmap and a top-N sort of the matching ids is much cheaper.
        return f"{idcol} + 0"

    def _count_and_cutoff(self, cur, from_where, params, idcol, cap, window):
        # One GIN bitmap pass gives both (a LIMIT in the count would make PostgreSQL pick a
        # sequential scan that tests every row's tsvector).
        cur.execute(
            f"WITH m AS MATERIALIZED (SELECT {idcol} AS id FROM {from_where}) "  # noqa: S608
            "SELECT (SELECT COUNT(*) FROM m), (SELECT id FROM m ORDER BY id DESC LIMIT 1 OFFSET %s)",
            [*params, window - 1],
        )
        matched, cutoff = cur.fetchone()
        return matched, cutoff

    def title_match_sql(self, q: SearchQuery, *, joined: bool):
        # The expression of the title GIN index (migration 0003).
        return f"{TABLE} d WHERE to_tsvector('simple', d.title_seg) @@ CAST(%s AS tsquery)", [tsquery_expression(q)]

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")

    def optimize(self) -> None:
        # VACUUM sets the visibility map (cheaper bitmap scans); it cannot run inside a transaction.
        with connection.cursor() as cur:
            cur.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {TABLE}")
