"""Shared part of the SQL backends: the SearchDocument table, filters and facets."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from apps.search.documents import Doc
from apps.search.models import SearchDocument
from apps.search.segmentation import index_text

from .base import Hit, SearchBackend, SearchQuery, SearchResult, count_cap, rank_window

TABLE = SearchDocument._meta.db_table


COLUMNS = ("doc_type", "obj_id", "title", "body", "url", "category", "region_path", "status", "title_seg", "body_seg")


def to_values(doc: Doc) -> tuple:
    return (
        doc.type,
        doc.id,
        doc.title[:300],
        doc.body,
        doc.url[:300],
        doc.category or "",
        doc.region_path or "",
        doc.status or "",
        index_text(doc.title),
        index_text(doc.body),
    )


def insert_rows(docs: list[Doc], *, keep_existing: bool = False) -> None:
    """One ``executemany`` of plain tuples (no model instances: ~5× cheaper than bulk_create).
    ``keep_existing``: a document already in the table stays as it is (a rebuild's batch meeting
    a document that a live writer indexed while the rebuild ran, which is the newer one)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cols = ", ".join((*COLUMNS, "updated_at"))
    marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
    # One transaction: in autocommit SQLite would sync after every row.
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {TABLE} ({cols}) VALUES ({marks})"  # noqa: S608
            + (" ON CONFLICT (doc_type, obj_id) DO NOTHING" if keep_existing else ""),
            [(*to_values(d), now) for d in docs],
        )


class SqlBackend(SearchBackend):
    @abstractmethod
    def match_sql(self, q: SearchQuery, *, joined: bool) -> tuple[str, str, list, str, str]:
        """(FROM … clause, WHERE condition, params, rank expression, row id column) of the text
        match; ``joined`` when the WHERE also needs the ``d`` (SearchDocument) columns."""

    @abstractmethod
    def title_match_sql(self, q: SearchQuery, *, joined: bool) -> tuple[str, list]:
        """``FROM … WHERE <the match restricted to titles>`` and its params (for candidates)."""

    def _filters(self, q: SearchQuery, *, skip: str = "") -> tuple[list[str], list]:
        where, params = [], []
        if q.types and skip != "type":
            where.append("d.doc_type IN ({})".format(",".join(["%s"] * len(q.types))))
            params.extend(q.types)
        if q.category and skip != "category":
            where.append("d.category = %s")
            params.append(q.category)
        if q.region_path:
            where.append("d.region_path LIKE %s")
            params.append(q.region_path.replace("%", "").replace("_", "\\_") + "%")
        if q.status:
            where.append("d.status = %s")
            params.append(q.status)
        if q.obj_ids is not None:
            if connection.vendor == "sqlite":
                where.append("d.obj_id IN (SELECT value FROM json_each(%s))")
                params.append(json.dumps(q.obj_ids))
            else:
                where.append("d.obj_id = ANY(%s)")
                params.append(list(q.obj_ids))
        return where, params

    def order_key(self, idcol: str) -> str:
        return idcol

    def _count_and_cutoff(self, cur, from_where: str, params: list, idcol: str, cap: int, window: int):
        """(matches counted up to cap + 1, the id of the window-th newest match or None)."""
        cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {from_where} LIMIT %s) AS m", [*params, cap + 1])  # noqa: S608
        matched = cur.fetchone()[0]
        if matched <= window:
            return matched, None
        cur.execute(
            f"SELECT {idcol} FROM {from_where} ORDER BY {idcol} DESC LIMIT 1 OFFSET %s",  # noqa: S608
            [*params, window - 1],
        )
        return matched, cur.fetchone()[0]

    def _where(self, q: SearchQuery, *, skip: str = "") -> tuple[list[str], list]:
        where, params = self._filters(q, skip=skip)
        if connection.vendor == "sqlite":
            where = [w.replace("LIKE %s", "LIKE %s ESCAPE '\\'") for w in where]
        return where, params

    def query(self, q: SearchQuery) -> SearchResult:
        """Top ``limit`` by rank plus a capped count (see ``base.count_cap``/``base.rank_window``).

        1. count the matches, stopping at cap + 1;
        2. if there are more than the ranking window, rank only the newest ``window`` matches
           (a row-id cutoff, which FTS5 and the primary key index apply cheaply);
        3. rank inside the engine with a LIMIT, then load those rows by primary key."""
        if not q.groups:
            return SearchResult(0, [])
        where, fparams = self._where(q)
        frm, cond, mparams, rank, idcol = self.match_sql(q, joined=bool(where))
        clause = " AND ".join([cond, *where])
        params = [*mparams, *fparams]
        cap, window = count_cap(), max(rank_window(), q.offset + q.limit)
        with connection.cursor() as cur:
            matched, cutoff = self._count_and_cutoff(cur, f"{frm} WHERE {clause}", params, idcol, cap, window)
            window_sql, window_params = "", []
            if cutoff is not None:
                # Candidates: the newest `window` matches plus the newest `window` title matches.
                title_sql, title_params = self.title_match_sql(q, joined=bool(where))
                newest_titles = (
                    f"SELECT {idcol} AS id FROM {title_sql} "  # noqa: S608
                    f"{''.join(' AND ' + w for w in where)} ORDER BY {self.order_key(idcol)} DESC LIMIT %s"
                )
                # Every candidate lies at or above the lower of the two cutoffs: saying so lets
                # FTS5 (and a primary-key range on PostgreSQL) skip the older matches instead of
                # testing each of them against the OR below.
                cur.execute(f"SELECT MIN(t.id) FROM ({newest_titles}) AS t", [*title_params, *fparams, window])  # noqa: S608
                title_low = cur.fetchone()[0]
                low = cutoff if title_low is None else min(cutoff, title_low)
                window_sql = f" AND {idcol} >= %s AND ({idcol} >= %s OR {idcol} IN ({newest_titles}))"
                window_params = [low, cutoff, *title_params, *fparams, window]
            clause += window_sql
            params += window_params
            cur.execute(
                f"SELECT {idcol}, {rank} AS score FROM {frm} WHERE {clause} "  # noqa: S608
                f"ORDER BY score DESC, {idcol} LIMIT %s OFFSET %s",
                [*params, q.limit, q.offset],
            )
            ranked = cur.fetchall()
            rows = {}
            if ranked:
                cur.execute(
                    f"SELECT id, doc_type, obj_id, title, body, url FROM {TABLE} "  # noqa: S608
                    f"WHERE id IN ({','.join(['%s'] * len(ranked))})",
                    [pk for pk, _ in ranked],
                )
                rows = {row[0]: row[1:] for row in cur.fetchall()}
            hits = [Hit(*rows[pk], float(score or 0)) for pk, score in ranked if pk in rows]
            facets = {"type": {}, "category": {}}
            if q.facets:
                # Over the same window: exact unless the ranking window cut the matches (then each
                # count is a lower bound, like the capped total).
                frm_d, cond_d, mparams_d, _, _ = self.match_sql(q, joined=True)
                for facet, column in (("type", "d.doc_type"), ("category", "d.category")):
                    fw, fp = self._where(q, skip=facet)
                    cur.execute(
                        f"SELECT {column}, COUNT(*) FROM {frm_d} "  # noqa: S608
                        f"WHERE {' AND '.join([cond_d, *fw])}{window_sql} GROUP BY {column}",
                        [*mparams_d, *fp, *window_params],
                    )
                    facets[facet] = {k: n for k, n in cur.fetchall() if k}
        return SearchResult(min(matched, cap), hits, facets, exact=matched <= cap, facets_exact=not window_sql)

    # ---- writes ----------------------------------------------------------------------------------

    def _bulk_add(self, docs) -> int:
        # The rebuild's batches: the site stays up meanwhile, so a document may be indexed by a
        # live writer before the rebuild reaches it.
        insert_rows(docs, keep_existing=True)
        return len(docs)

    def _after_add(self, ids: list[int]) -> None:
        pass

    def _lock_writes(self) -> None:
        """Called first in every index or delete transaction (SQLite serializes writers itself)."""

    @transaction.atomic
    def index(self, docs: Iterable[Doc]) -> int:
        docs = list({d.key: d for d in docs}.values())
        if not docs:
            return 0
        self._lock_writes()
        self.delete([d.key for d in docs])
        insert_rows(docs)
        self._after_add(self._ids_for([d.key for d in docs]))
        return len(docs)

    def _ids_for(self, keys) -> list[int]:
        ids = []
        for doc_type in {t for t, _ in keys}:
            obj_ids = [i for t, i in keys if t == doc_type]
            ids += list(
                SearchDocument.objects.filter(doc_type=doc_type, obj_id__in=obj_ids).values_list("pk", flat=True)
            )
        return ids

    @transaction.atomic
    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        keys = list(keys)
        if not keys:
            return 0
        self._lock_writes()
        ids = self._ids_for(keys)
        if ids:
            SearchDocument.objects.filter(pk__in=ids).delete()
        return len(ids)

    def count(self) -> int:
        return SearchDocument.objects.count()

    def indexed_keys(self) -> set[tuple[str, str]]:
        return set(SearchDocument.objects.values_list("doc_type", "obj_id"))
