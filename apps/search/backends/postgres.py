"""PostgreSQL full text over segmented text: a generated ``tsvector`` (config ``simple``, title
weight A, body B) with a GIN index, ranked with ``ts_rank`` and a LIMIT.

The query is built as a ``tsquery`` literal from already-segmented terms (no parser involved).

Unfiltered queries are matched and counted in posting lists (migrations 0004 and 0005): each
document's distinct lexemes, and its title's, as 32-bit ``hashtext`` values, in ``search_terms``
(one row per document) and, one row per (term, document), in ``search_postings`` and
``search_title_postings``, each read through its ``(term, id)`` B-tree index only. Counting up to
the cap and taking the newest matches then walk index tuples, newest first (on the large demo
city: 助残, 18,186 of 144,579 documents, 700 ms with the document table's GIN index, 40–140 ms
with GIN over ``search_terms``, about 10 ms now). Only the ranking candidates (at most two windows)
are read from the document table, where ``tsv @@ query`` also drops any hash collision. Queries
with filters (type, category, region, status, ids) use the document table."""

from __future__ import annotations

from django.db import connection, transaction

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


POSTINGS = "search_postings"
TITLE_POSTINGS = "search_title_postings"
POSTING_INDEXES = (("search_postings_term_id", POSTINGS), ("search_title_postings_term_id", TITLE_POSTINGS))
# The postings statement is only fast as merges of ordered index-only scans: a hash aggregate or
# hash join reads every posting of a word in nearly every document (社区: 142,890) and a bitmap
# scan visits the table; the planner, expecting a few hundred rows per word, picks them anyway.
# SET LOCAL lasts to the end of the transaction, so the defaults are restored right after.
PLAN_SETTINGS = ("enable_hashagg", "enable_hashjoin", "enable_bitmapscan", "enable_seqscan", "jit")
MERGE_PLANS = "; ".join(f"SET LOCAL {name} = off" for name in PLAN_SETTINGS)
DEFAULT_PLANS = "; ".join(f"SET LOCAL {name} TO DEFAULT" for name in PLAN_SETTINGS)


def postings_sql(q: SearchQuery, table: str) -> tuple[str, list]:
    """The distinct ids matching ``q`` newest first, from a ``(term, id)`` posting table: a word is
    a backward index-only scan, the pieces of one alternative a merge join, a group's
    alternatives (and the groups of ``match_any``) a merge with duplicates dropped, the groups of
    an AND merge joins. The same boolean query as ``tsquery_expression``."""
    params: list = []

    def word(alias: str, term: str) -> str:
        params.append(_clean(term))
        return f"{alias}.term = hashtext(%s)"

    def alternative(terms) -> str:
        sql = f"SELECT p0.id FROM {table} p0"  # noqa: S608 - names only; words are params
        conds = [word("p0", terms[0])]
        for i, term in enumerate(terms[1:], 1):
            sql += f" JOIN {table} p{i} ON p{i}.id = p0.id"
            conds.append(word(f"p{i}", term))
        return f"{sql} WHERE {' AND '.join(conds)}"

    def union(parts: list[str]) -> str:
        if len(parts) == 1:
            return parts[0]
        merged = " UNION ALL ".join(
            f"(SELECT id FROM ({part}) a{k} ORDER BY id DESC)"  # noqa: S608
            for k, part in enumerate(parts)
        )
        return f"SELECT DISTINCT id FROM ({merged}) u ORDER BY id DESC"  # noqa: S608 - names only; words are params

    groups = [union([alternative(a.terms) for a in g.alternatives]) for g in q.groups]
    if q.match_any or len(groups) == 1:
        sql = union(groups)
    else:
        joins = "".join(f" JOIN ({g}) g{i} ON g{i}.id = g0.id" for i, g in enumerate(groups[1:], 1))
        sql = f"SELECT g0.id FROM ({groups[0]}) g0{joins}"  # noqa: S608 - names only; words are params
    return f"SELECT id FROM ({sql}) s ORDER BY id DESC", params  # noqa: S608 - names only; words are params


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
        cap, window = count_cap(), max(rank_window(), q.offset + q.limit)
        matches, params = postings_sql(q, POSTINGS)
        title_matches, title_params = postings_sql(q, TITLE_POSTINGS)
        with connection.cursor() as cur:
            # One statement over the posting indexes: the matches newest first, stopped after
            # cap + 1 (the count), the newest `window` of them, and the newest `window` title
            # matches (as in sql.py; a title match is always a match, the title's lexemes being in
            # `terms` too). Every step is an index-only scan, a merge or a merge join.
            with transaction.atomic():
                cur.execute(MERGE_PLANS)
                cur.execute(
                    f"WITH m AS MATERIALIZED ({matches} LIMIT %s) "  # noqa: S608
                    "SELECT (SELECT COUNT(*) FROM m), ARRAY(SELECT id FROM m ORDER BY id DESC LIMIT %s), "
                    f"ARRAY({title_matches} LIMIT %s)",
                    [*params, cap + 1, window, *title_params, window],
                )
                matched, newest, newest_titles = cur.fetchone()
                cur.execute(DEFAULT_PLANS)
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

    def rebuild(self, docs, *, progress=None, batch: int = 500) -> int:
        # The posting indexes are built once at the end (CREATE INDEX sorts; inserting 16 million
        # postings into live B-trees was half of a rebuild's time and left them a third larger).
        with connection.cursor() as cur:
            for name, _ in POSTING_INDEXES:
                cur.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            return super().rebuild(docs, progress=progress, batch=batch)
        finally:
            with connection.cursor() as cur:
                for name, table in POSTING_INDEXES:
                    cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (term, id)")

    def optimize(self) -> None:
        with connection.cursor() as cur:
            # Repairs any document without its terms row (e.g. an interrupted rebuild).
            cur.execute(FILL_TERMS + f"WHERE NOT EXISTS (SELECT 1 FROM {TERMS} t WHERE t.id = d.id)")  # noqa: S608
            # VACUUM sets the visibility map (cheaper bitmap scans); it cannot run in a transaction.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cur.execute(f"{verb} {TABLE}")
            for table in (TERMS, POSTINGS, TITLE_POSTINGS):
                cur.execute(f"{verb} {table}")
