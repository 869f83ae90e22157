"""PostgreSQL full text over segmented text: a generated ``tsvector`` (config ``simple``, title
weight A, body B) with a GIN index, ranked with ``ts_rank`` and a LIMIT.

The query is built as a ``tsquery`` literal from already-segmented terms (no parser involved).

Unfiltered queries are matched and counted in posting bitmaps (migrations 0004 and 0007): each
document's distinct lexemes, and its title's, as 32-bit ``hashtext`` values, in ``search_terms``
(one row per document) and, one ``bit(8192)`` per (term, field, chunk of 8,192 ids), in
``search_bits``. A query reads its words' rows (a word in every document of the large demo city:
18 rows of 1 KB), and the AND/OR, the count and the newest windows are operations on Python
integers (on the large demo city: 0.6–2.3 ms, against 2.4–12 ms warm and up to 35 ms cold for
the B-tree posting lists of migration 0005, which walked up to 100,000 index tuples). Only the
ranking candidates (at most two windows) are read from the document table, where ``tsv @@ query``
also drops any hash collision. Queries with filters (type, category, region, status, ids) use the document table."""

from __future__ import annotations

from importlib import import_module

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


BITS = "search_bits"
CHUNK_BITS = 8192  # ids per row of search_bits (migration 0007)
# Every row of the query's words, both fields; bits are sent as varbit_send's bytes (a 4-byte
# length, then the bits from the left), a quarter of the text form.
BITS_SQL = (
    "SELECT w.word, b.field, b.chunk, varbit_send(b.bits) "  # noqa: S608 - names only; words are params
    f"FROM unnest(%s::text[]) AS w(word) JOIN {BITS} b ON b.term = hashtext(w.word)"
)
# The bulk fill (rebuild) and its switch for the insert trigger; frozen with the migration.
BITS_FILL = import_module("apps.search.migrations.0007_bits").BITS_FILL
BULK_ON = "SELECT set_config('search.bits_bulk', 'on', false)"
BULK_OFF = "SELECT set_config('search.bits_bulk', '', false)"
# One writer at a time changes the bitmaps (held to the end of its transaction). A re-index deletes
# the old document's bits, then ORs in the new one's; each statement locks its rows in key order,
# but two such transactions could each hold rows the other's second statement needs (a deadlock,
# which PostgreSQL breaks after a second by failing one of them). Writers of the newest documents
# already queued on the same rows of the newest chunk, so this costs little.
WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('search_bits'))"

Bitmap = dict[int, int]  # chunk -> bits as an int; bit (CHUNK_BITS - 1 - k) is id chunk * CHUNK_BITS + k


def _and(a: Bitmap, b: Bitmap) -> Bitmap:
    out = {}
    for c, v in a.items():
        if (w := v & b.get(c, 0)) != 0:
            out[c] = w
    return out


def _or(parts: list[Bitmap]) -> Bitmap:
    out: Bitmap = {}
    for p in parts:
        for c, v in p.items():
            out[c] = out.get(c, 0) | v
    return out


def match_bits(q: SearchQuery, words: dict[str, Bitmap]) -> Bitmap:
    """The documents matching ``q`` (the boolean query of ``tsquery_expression``: an alternative's
    terms AND-ed, a group's alternatives OR-ed, the groups AND-ed, or OR-ed for ``match_any``)."""

    def alternative(terms) -> Bitmap:
        out = words.get(_clean(terms[0]), {})
        for t in terms[1:]:
            out = _and(out, words.get(_clean(t), {}))
        return out

    groups = [_or([alternative(a.terms) for a in g.alternatives]) for g in q.groups]
    if q.match_any or len(groups) == 1:
        return _or(groups)
    out = groups[0]
    for g in groups[1:]:
        out = _and(out, g)
    return out


def bit_count(bits: Bitmap) -> int:
    return sum(v.bit_count() for v in bits.values())


def newest(bits: Bitmap, n: int) -> list[int]:
    """The ``n`` highest ids, highest first (the lowest bits of the highest chunks)."""
    out: list[int] = []
    top = CHUNK_BITS - 1
    for c in sorted(bits, reverse=True):
        v, base = bits[c], c * CHUNK_BITS + top
        while v and len(out) < n:
            low = v & -v
            out.append(base - (low.bit_length() - 1))
            v ^= low
        if len(out) >= n:
            break
    return out


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
        with connection.cursor() as cur:
            # The bitmaps of the query's words (anywhere, and in titles), then the matches, their
            # count and the newest `window` matches and title matches (as in sql.py; a title match
            # is always a match, the title's lexemes being in `terms` too), all in Python.
            words = sorted({_clean(t) for g in q.groups for a in g.alternatives for t in a.terms})
            cur.execute(BITS_SQL, [words])
            fields: tuple[dict[str, Bitmap], dict[str, Bitmap]] = ({}, {})
            for word, field, chunk, raw in cur.fetchall():
                fields[field].setdefault(word, {})[chunk] = int.from_bytes(bytes(raw)[4:], "big")
            found = match_bits(q, fields[0])
            matched = bit_count(found)
            newest_ids = newest(found, window)
            newest_titles = newest(match_bits(q, fields[1]), window) if matched > window else []
            windowed = matched > window
            candidates = sorted(set(newest_ids) | set(newest_titles))
            # The candidates' rows by primary key (`id = ANY`: one index scan over the sorted ids,
            # which reads their pages in table order; first runs 5–10 ms against 7–12 ms for a
            # join with the unnested ids), then the match (dropping hash collisions), the ranking
            # and the facets, in one statement. The rows are read first (materialized), the match
            # tested after: given `d.tsv @@ query` with the ids, the planner took the tsv index
            # (underestimating 垃圾 & 分类 at 292 rows of 5,410) and read every match (20–31 ms).
            cur.execute(
                f"WITH d AS MATERIALIZED (SELECT d.id, d.doc_type, d.category, d.tsv "  # noqa: S608
                f"FROM {TABLE} d WHERE d.id = ANY(%s::bigint[])), "
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

    def _lock_writes(self) -> None:
        with connection.cursor() as cur:
            cur.execute(WRITE_LOCK)

    def _after_add(self, ids: list[int]) -> None:
        if ids:
            with connection.cursor() as cur:
                # A rebuild's batch may name a document a live writer indexed meanwhile.
                cur.execute(FILL_TERMS + "WHERE d.id = ANY(%s) ON CONFLICT (id) DO NOTHING", [list(ids)])

    def _bulk_add(self, docs) -> int:
        n = super()._bulk_add(docs)
        self._after_add(self._ids_for([d.key for d in docs]))
        return n

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")  # search_terms follows by trigger

    _bulk = False

    def rebuild(self, docs, *, progress=None, batch: int = 500) -> int:
        # The bitmaps are filled once at the end (in optimize): OR-ing each batch into them would
        # rewrite every row of the batch's chunk once per batch.
        with connection.cursor() as cur:
            cur.execute(BULK_ON)
        self._bulk = True
        try:
            return super().rebuild(docs, progress=progress, batch=batch)
        finally:
            if self._bulk:
                self._fill_bits()

    def _fill_bits(self) -> None:
        # In one transaction under the writers' lock: a document indexed between the DELETE and
        # the fill would otherwise make the fill's INSERT fail on its rows.
        # The switch goes off first, on its own: were it rolled back with a failed fill, this
        # session's later writes would skip the bitmaps.
        with connection.cursor() as cur:
            cur.execute(BULK_OFF)
        self._bulk = False
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(WRITE_LOCK)
            cur.execute(f"DELETE FROM {BITS}")  # noqa: S608 - a name only
            cur.execute(BITS_FILL)

    def optimize(self) -> None:
        if self._bulk:
            self._fill_bits()
        with connection.cursor() as cur:
            # Repairs any document without its terms row (e.g. an interrupted rebuild).
            cur.execute(FILL_TERMS + f"WHERE NOT EXISTS (SELECT 1 FROM {TERMS} t WHERE t.id = d.id)")  # noqa: S608
            # VACUUM sets the visibility map (cheaper bitmap scans); it cannot run in a transaction.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cur.execute(f"{verb} {TABLE}")
            for table in (TERMS, BITS):
                cur.execute(f"{verb} {table}")
