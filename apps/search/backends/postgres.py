"""PostgreSQL full text over segmented text: a generated ``tsvector`` (config ``simple``, title
weight A, body B) with a GIN index, ranked with ``ts_rank`` and a LIMIT.

The query is built as a ``tsquery`` literal from already-segmented terms (no parser involved).

Matching and counting go through the narrow table ``search_terms`` (migration 0004): each
document's distinct lexemes (and its title's) as 32-bit ``hashtext`` values in ``integer[]``
columns with GIN indexes. A broad query's matches then cost one visit each to a row of about
500 bytes instead of the 2 KB document row with its compressed ``tsvector`` (on the large demo
city: 助残, 18,186 of 144,579 documents, 700 ms → tens of ms). Only the ranking candidates (at most
two windows) are read from the document table, where ``tsv @@ query`` also drops any hash
collision. Queries with filters (type, category, region, status, ids) use the document table."""

from __future__ import annotations

from django.db import connection

from .base import Hit, SearchQuery, SearchResult, count_cap, rank_window
from .sql import TABLE, SqlBackend

TERMS = "search_terms"
# One row per document: the hashes of its tsvector's lexemes and of its title's.
FILL_TERMS = (
    f"INSERT INTO {TERMS} (id, terms, title_terms) "  # noqa: S608
    "SELECT id, ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(tsv)) x), "
    "ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(to_tsvector('simple', title_seg))) x) "
    f"FROM {TABLE} d "
)
RANK = "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, query)"


def _clean(term: str) -> str:
    return term.replace("\\", "")


def _lexeme(term: str, weight: str = "") -> str:
    return "'" + _clean(term).replace("'", "''") + "'" + (":" + weight if weight else "")


def tsquery_expression(q: SearchQuery, *, weight: str = "") -> str:
    """``weight="A"`` restricts every lexeme to the title (weight A)."""
    groups = []
    for g in q.groups:
        alts = []
        for alt in g.alternatives:
            alts.append("(" + " & ".join(_lexeme(t, weight) for t in alt.terms) + ")")
        groups.append("(" + " | ".join(alts) + ")")
    return (" | " if q.match_any else " & ").join(groups)


def terms_condition(q: SearchQuery, column: str) -> tuple[str, list]:
    """The same boolean query over a hash array column: a group whose alternatives are single
    words is one overlap (``&&``, one GIN scan); an alternative of several words is a containment."""

    def array(terms) -> tuple[str, list]:
        return "ARRAY[" + ", ".join(["hashtext(%s)"] * len(terms)) + "]", [_clean(t) for t in terms]

    parts, params = [], []
    for g in q.groups:
        singles = [a.terms[0] for a in g.alternatives if len(a.terms) == 1]
        alts, alt_params = [], []
        if singles:
            sql, p = array(singles)
            alts.append(f"{column} && {sql}")
            alt_params += p
        for a in g.alternatives:
            if len(a.terms) > 1:
                sql, p = array(a.terms)
                alts.append(f"{column} @> {sql}")
                alt_params += p
        parts.append("(" + " OR ".join(alts) + ")")
        params += alt_params
    return (" OR " if q.match_any else " AND ").join(parts), params


class PostgresBackend(SqlBackend):
    name = "postgres"

    def match_sql(self, q: SearchQuery, *, joined: bool):
        frm = f"{TABLE} d, CAST(%s AS tsquery) AS query"
        return frm, "d.tsv @@ query", [tsquery_expression(q)], RANK, "d.id"

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

    def query(self, q: SearchQuery) -> SearchResult:
        if not q.groups or self._where(q)[0]:
            return super().query(q)
        cond, params = terms_condition(q, "t.terms")
        title_cond, title_params = terms_condition(q, "t.title_terms")
        cap, window = count_cap(), max(rank_window(), q.offset + q.limit)
        with connection.cursor() as cur:
            # One pass over at most cap + 1 matches gives the count and, when that is all of them,
            # the ranking candidates: the newest `window` matches plus the newest `window` title
            # matches (as in sql.py; a title match is always a match, the title's lexemes being in
            # `terms` too).
            cur.execute(
                f"WITH m AS MATERIALIZED (SELECT t.id, ({title_cond}) AS in_title FROM {TERMS} t "  # noqa: S608
                f"WHERE {cond} LIMIT %s) SELECT (SELECT COUNT(*) FROM m), "
                "ARRAY(SELECT id FROM m ORDER BY id DESC LIMIT %s), "
                "ARRAY(SELECT id FROM m WHERE in_title ORDER BY id DESC LIMIT %s)",
                [*title_params, *params, cap + 1, window, window],
            )
            matched, newest, newest_titles = cur.fetchone()
            if matched > cap:
                # The pass stopped at the cap, before the newest matches: ask for them (the
                # planner's choice, usually a scan down the newest ids, cheaper than a bitmap over
                # 10,000 to all of the documents).
                cur.execute(
                    f"SELECT ARRAY(SELECT t.id FROM {TERMS} t WHERE {cond} ORDER BY t.id DESC LIMIT %s), "  # noqa: S608
                    f"ARRAY(SELECT t.id FROM {TERMS} t WHERE {title_cond} ORDER BY t.id DESC LIMIT %s)",
                    [*params, window, *title_params, window],
                )
                newest, newest_titles = cur.fetchone()
            windowed = matched > window
            candidates = sorted(set(newest) | set(newest_titles))
            # The candidates' rows by primary key, then the match (dropping hash collisions), the
            # ranking and the facets, in one statement. The rows are read first (materialized), the
            # match tested after: given `d.tsv @@ query` with the ids, the planner took the tsv index
            # (underestimating 垃圾 & 分类 at 292 rows of 5,410) and read every match (20–31 ms).
            cur.execute(
                f"WITH d AS MATERIALIZED (SELECT d.id, d.doc_type, d.category, d.tsv "  # noqa: S608
                f"FROM unnest(%s::bigint[]) AS c(id) JOIN {TABLE} d ON d.id = c.id), "
                f"h AS MATERIALIZED (SELECT d.id, d.doc_type, d.category, {RANK}::float8 AS score "
                "FROM d, CAST(%s AS tsquery) AS query WHERE d.tsv @@ query) SELECT "
                "(SELECT json_agg(json_build_array(id, score)) FROM "
                "(SELECT id, score FROM h ORDER BY score DESC, id LIMIT %s OFFSET %s) AS r), "
                "CASE WHEN %s THEN (SELECT json_object_agg(doc_type, n) FROM "
                "(SELECT doc_type, COUNT(*) AS n FROM h WHERE doc_type <> '' GROUP BY doc_type) AS t) END, "
                "CASE WHEN %s THEN (SELECT json_object_agg(category, n) FROM "
                "(SELECT category, COUNT(*) AS n FROM h WHERE category <> '' GROUP BY category) AS g) END",
                [candidates, tsquery_expression(q), q.limit, q.offset, q.facets, q.facets],
            )
            ranked, by_type, by_category = cur.fetchone()
            ranked = ranked or []
            rows = {}
            if ranked:
                cur.execute(
                    f"SELECT id, doc_type, obj_id, title, body, url FROM {TABLE} WHERE id = ANY(%s)",  # noqa: S608
                    [[pk for pk, _ in ranked]],
                )
                rows = {row[0]: row[1:] for row in cur.fetchall()}
            hits = [Hit(*rows[pk], float(score or 0)) for pk, score in ranked if pk in rows]
            facets = {"type": by_type or {}, "category": by_category or {}}
        return SearchResult(min(matched, cap), hits, facets, exact=matched <= cap, facets_exact=not windowed)

    # ---- writes: search_terms follows the documents -------------------------------------------

    def _after_add(self, ids: list[int]) -> None:
        if ids:
            with connection.cursor() as cur:
                cur.execute(FILL_TERMS + "WHERE d.id = ANY(%s)", [list(ids)])

    def _bulk_add(self, docs) -> int:
        n = super()._bulk_add(docs)
        self._after_add(self._ids_for([d.key for d in docs]))
        return n

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")  # search_terms follows by trigger

    def optimize(self) -> None:
        with connection.cursor() as cur:
            # Repairs any document without its terms row (e.g. an interrupted rebuild).
            cur.execute(FILL_TERMS + f"WHERE NOT EXISTS (SELECT 1 FROM {TERMS} t WHERE t.id = d.id)")  # noqa: S608
            # VACUUM sets the visibility map (cheaper bitmap scans); it cannot run in a transaction.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cur.execute(f"{verb} {TABLE}")
            cur.execute(f"{verb} {TERMS}")
