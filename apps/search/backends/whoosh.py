"""Whoosh (``whoosh-reloaded``): an index on disk in ``SEARCH_INDEX_DIR``.

- Tokens come from the shared segmentation module; the tokenizer numbers them in order (ordinal
  positions), unlike jieba's analyzer which stores character offsets and breaks phrase queries.
- One writer: every change goes through the Celery task ``apps.search.tasks.whoosh_write`` on the
  queue ``search_writer`` (run it with ``--concurrency 1``); the task de-duplicates a batch by key
  (last wins) and opens a blocking writer with a timeout. With no broker it runs eagerly in-process.
- Searchers are long-lived per thread, refreshed before use and retried once on
  ``FileNotFoundError`` (a merge removed a segment under the reader).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema

from apps.search.documents import Doc
from apps.search.segmentation import cut_for_index

from .base import Hit, SearchBackend, SearchQuery, SearchResult, count_cap

WRITER_TIMEOUT = 30.0
WRITER_QUEUE = "search_writer"


class OrdinalTokenizer(Tokenizer):
    """Segmented tokens with positions 0, 1, 2, … (the text may already be segmented)."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = cut_for_index(value) if tokenize else [value]
        for pos, word in enumerate(words):
            t.original = t.text = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(word)
            yield t


def schema() -> Schema:
    analyzer = OrdinalTokenizer()
    return Schema(
        key=ID(unique=True, stored=True),
        type=ID(stored=True),
        obj_id=STORED(),
        title=TEXT(analyzer=analyzer, field_boost=5.0, stored=True),
        body=TEXT(analyzer=analyzer),
        raw_body=STORED(),
        url=STORED(),
        category=ID(stored=True),
        region_path=ID(),
        status=ID(),
    )


def _key(doc_type: str, obj_id: str) -> str:
    return f"{doc_type}:{obj_id}"


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, path: str | None = None):
        self.path = path or settings.SEARCH_INDEX_DIR
        self._ix = None
        self._local = threading.local()

    # ---- index handle ----------------------------------------------------------------------------

    def ix(self):
        if self._ix is None or self._ix_path != self.path:
            os.makedirs(self.path, exist_ok=True)
            if whoosh_index.exists_in(self.path):
                self._ix = whoosh_index.open_dir(self.path)
            else:
                self._ix = whoosh_index.create_in(self.path, schema())
            self._ix_path = self.path
            self._local = threading.local()
        return self._ix

    def _searcher(self, *, fresh: bool = False):
        searcher = getattr(self._local, "searcher", None)
        # Searcher.refresh() reuses segment readers and keeps stale deletions: reopen instead.
        if searcher is None or fresh or not searcher.up_to_date():
            if searcher is not None:
                searcher.close()
            searcher = self.ix().searcher()
            self._local.searcher = searcher
        return searcher

    # ---- writes (only ever called from the single writer task) -----------------------------------

    def enqueue(self, ops: list[tuple[str, str, str, dict | None]]) -> None:
        from apps.search.tasks import whoosh_write

        whoosh_write.apply_async(args=[ops], queue=WRITER_QUEUE)

    def apply(self, ops: list[tuple[str, str, str, dict | None]]) -> int:
        """ops: [(action "index"|"delete", type, id, fields)], de-duplicated by key, last wins."""
        latest: dict[str, tuple] = {}
        for action, doc_type, obj_id, fields in ops:
            latest[_key(doc_type, obj_id)] = (action, fields)
        if not latest:
            return 0
        writer = self.ix().writer(timeout=WRITER_TIMEOUT)
        try:
            for key, (action, fields) in latest.items():
                if action == "delete":
                    writer.delete_by_term("key", key)
                else:
                    writer.update_document(key=key, **fields)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return len(latest)

    @staticmethod
    def fields(doc: Doc) -> dict:
        return {
            "type": doc.type,
            "obj_id": doc.id,
            "title": doc.title,
            "body": doc.body,
            "raw_body": doc.body,
            "url": doc.url,
            "category": doc.category or "",
            "region_path": doc.region_path or "",
            "status": doc.status or "",
        }

    def index(self, docs: Iterable[Doc]) -> int:
        ops = [("index", d.type, d.id, self.fields(d)) for d in docs]
        self.enqueue(ops)
        return len(ops)

    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        ops = [("delete", t, i, None) for t, i in keys]
        self.enqueue(ops)
        return len(ops)

    def clear(self) -> None:
        if self._ix is not None:
            self._ix.close()
        self._ix = None
        shutil.rmtree(self.path, ignore_errors=True)
        os.makedirs(self.path, exist_ok=True)
        whoosh_index.create_in(self.path, schema())

    def rebuild(self, docs, *, progress=None, batch: int = 2000) -> int:
        # A rebuild is itself the single writer: one writer, one commit, no per-doc tasks.
        self.clear()
        writer = self.ix().writer(timeout=WRITER_TIMEOUT, procs=1, limitmb=256)
        total = 0
        try:
            for doc in docs:
                writer.add_document(key=_key(doc.type, doc.id), **self.fields(doc))
                total += 1
                if progress and total % batch == 0:
                    progress(total)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        if progress:
            progress(total)
        return total

    # ---- reads -----------------------------------------------------------------------------------

    def _build(self, q: SearchQuery):
        groups = []
        for g in q.groups:
            alts = []
            for alt in g.alternatives:
                per_term = [wq.Or([wq.Term("title", t), wq.Term("body", t)]) for t in alt.terms]
                alts.append(per_term[0] if len(per_term) == 1 else wq.And(per_term))
            groups.append(wq.Or(alts))
        return wq.Or(groups) if q.match_any else wq.And(groups)

    def _filter(self, q: SearchQuery, *, skip: str = ""):
        parts = []
        if q.types and skip != "type":
            parts.append(wq.Or([wq.Term("type", t) for t in q.types]))
        if q.category and skip != "category":
            parts.append(wq.Term("category", q.category))
        if q.region_path:
            parts.append(wq.Prefix("region_path", q.region_path))
        if q.status:
            parts.append(wq.Term("status", q.status))
        if q.obj_ids is not None and q.types:
            parts.append(wq.Or([wq.Term("key", _key(q.types[0], i)) for i in q.obj_ids]))
        return wq.And(parts) if parts else None

    def query(self, q: SearchQuery) -> SearchResult:
        if not q.groups:
            return SearchResult(0, [])
        try:
            return self._query(q, self._searcher())
        except FileNotFoundError:
            return self._query(q, self._searcher(fresh=True))

    def _query(self, q: SearchQuery, searcher) -> SearchResult:
        wquery = self._build(q)
        results = searcher.search(wquery, filter=self._filter(q), limit=q.offset + q.limit)
        count = len(results)  # exact (Whoosh counts every match); capped like the SQL backends
        hits = [
            Hit(r["type"], str(r["obj_id"]), r["title"], r.get("raw_body", ""), r["url"], float(r.score or 0))
            for r in results[q.offset : q.offset + q.limit]
        ]
        facets = {"type": {}, "category": {}}
        if q.facets:
            for facet in ("type", "category"):
                res = searcher.search(
                    wquery,
                    filter=self._filter(q, skip=facet),
                    limit=1,
                    groupedby=sorting.FieldFacet(facet),
                    maptype=sorting.Count,
                )
                facets[facet] = {k: n for k, n in res.groups(facet).items() if k}
        cap = count_cap()
        return SearchResult(min(count, cap), hits, facets, exact=count <= cap)

    def count(self) -> int:
        return self._searcher().doc_count()

    def indexed_keys(self) -> set[tuple[str, str]]:
        searcher = self._searcher()
        out = set()
        for fields in searcher.all_stored_fields():
            out.add((fields["type"], str(fields["obj_id"])))
        return out
