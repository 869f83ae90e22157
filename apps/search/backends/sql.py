"""Shared part of the SQL backends: the SearchDocument table, filters and facets."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable

from django.db import connection, transaction

from apps.search.documents import Doc
from apps.search.models import SearchDocument
from apps.search.segmentation import index_text

from .base import Hit, SearchBackend, SearchQuery, SearchResult

TABLE = SearchDocument._meta.db_table


def to_row(doc: Doc) -> SearchDocument:
    return SearchDocument(
        doc_type=doc.type,
        obj_id=doc.id,
        title=doc.title[:300],
        body=doc.body,
        url=doc.url[:300],
        category=doc.category,
        region_path=doc.region_path,
        status=doc.status,
        title_seg=index_text(doc.title),
        body_seg=index_text(doc.body),
    )


class SqlBackend(SearchBackend):
    @abstractmethod
    def match_sql(self, q: SearchQuery) -> tuple[str, str, list, str]:
        """(FROM … clause, WHERE condition, params, rank expression) of the text match."""

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
        return where, params

    def query(self, q: SearchQuery) -> SearchResult:
        if not q.groups:
            return SearchResult(0, [])
        frm, cond, mparams, rank = self.match_sql(q)
        where, fparams = self._filters(q)
        if connection.vendor == "sqlite":
            where = [w.replace("LIKE %s", "LIKE %s ESCAPE '\\'") for w in where]
        clause = " AND ".join([cond, *where])
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT d.doc_type, d.obj_id, d.title, d.body, d.url, {rank} AS score FROM {frm} "  # noqa: S608
                f"WHERE {clause} ORDER BY score DESC, d.id LIMIT %s OFFSET %s",
                [*mparams, *fparams, q.limit, q.offset],
            )
            hits = [Hit(t, i, title, body, url, float(score or 0)) for t, i, title, body, url, score in cur.fetchall()]
            cur.execute(f"SELECT COUNT(*) FROM {frm} WHERE {clause}", [*mparams, *fparams])  # noqa: S608
            count = cur.fetchone()[0]
            facets = {"type": {}, "category": {}}
            if q.facets:
                for facet, column in (("type", "d.doc_type"), ("category", "d.category")):
                    fw, fp = self._filters(q, skip=facet)
                    if connection.vendor == "sqlite":
                        fw = [w.replace("LIKE %s", "LIKE %s ESCAPE '\\'") for w in fw]
                    cur.execute(
                        f"SELECT {column}, COUNT(*) FROM {frm} WHERE {' AND '.join([cond, *fw])} GROUP BY {column}",  # noqa: S608
                        [*mparams, *fp],
                    )
                    facets[facet] = {k: n for k, n in cur.fetchall() if k}
        return SearchResult(count, hits, facets)

    # ---- writes ----------------------------------------------------------------------------------

    def _before_remove(self, ids: list[int]) -> None:
        pass

    def _after_add(self, ids: list[int]) -> None:
        pass

    @transaction.atomic
    def index(self, docs: Iterable[Doc]) -> int:
        docs = list({d.key: d for d in docs}.values())
        if not docs:
            return 0
        self.delete([d.key for d in docs])
        rows = SearchDocument.objects.bulk_create([to_row(d) for d in docs])
        ids = [r.pk for r in rows] if all(r.pk for r in rows) else self._ids_for([d.key for d in docs])
        self._after_add(ids)
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
        ids = self._ids_for(keys)
        if ids:
            self._before_remove(ids)
            SearchDocument.objects.filter(pk__in=ids).delete()
        return len(ids)

    def count(self) -> int:
        return SearchDocument.objects.count()

    def indexed_keys(self) -> set[tuple[str, str]]:
        return set(SearchDocument.objects.values_list("doc_type", "obj_id"))
