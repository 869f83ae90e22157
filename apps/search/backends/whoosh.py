"""Whoosh (``whoosh-reloaded``): an index on disk in ``SEARCH_INDEX_DIR``.

- Tokens come from the shared segmentation module; the tokenizer numbers them in order (ordinal
  positions), unlike jieba's analyzer which stores character offsets and breaks phrase queries.
  Positions are stored only with ``SEARCH_WHOOSH_PHRASES`` (see ``schema``); an index keeps the
  schema it was built with until ``search_rebuild``.
- One writer: every change goes through the Celery task ``apps.search.tasks.whoosh_write`` on the
  queue ``search_writer`` (run it with ``--concurrency 1``); the task de-duplicates a batch by key
  (last wins) and opens a blocking writer with a timeout. With no broker it runs eagerly in-process.
- Searchers are long-lived per thread, refreshed before use and retried once on
  ``FileNotFoundError`` (a merge removed a segment under the reader).
"""

from __future__ import annotations

import heapq
import os
import shutil
import threading
from collections.abc import Iterable
from itertools import accumulate, repeat

from celery import shared_task
from django.conf import settings
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, STORED, TEXT, Schema

from apps.search.documents import Doc
from apps.search.segmentation import cut_for_index

from . import get_backend
from .base import Hit, SearchBackend, SearchQuery, SearchResult, count_cap, rank_window

WRITER_TIMEOUT = 30.0
WRITER_QUEUE = "search_writer"
TERM_CACHE = 1_000_000  # postings kept per searcher (≈100 MB; see _postings)


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


def schema(phrases: bool | None = None) -> Schema:
    """Title and body store term frequencies only, unless ``SEARCH_WHOOSH_PHRASES``: no query of
    ours reads positions (a compound is an AND of its pieces on every backend), and decoding them
    was about 95 % of reading a block of postings (141.7 µs a block with positions, 6.7 µs
    without). With it, positions are stored, ordinal, for phrase queries."""
    if phrases is None:
        phrases = bool(getattr(settings, "SEARCH_WHOOSH_PHRASES", False))
    analyzer = OrdinalTokenizer()
    return Schema(
        key=ID(unique=True, stored=True),
        type=ID(stored=True),
        obj_id=STORED(),
        title=TEXT(analyzer=analyzer, field_boost=5.0, stored=True, phrase=phrases),
        body=TEXT(analyzer=analyzer, phrase=phrases),
        raw_body=STORED(),
        url=STORED(),
        category=ID(stored=True),
        region_path=ID(),
        status=ID(),
    )


def _key(doc_type: str, obj_id: str) -> str:
    return f"{doc_type}:{obj_id}"


def _block_arrays(m: W3LeafMatcher):
    """(ids, weights) of the matcher's current block, decoded without a Python step per posting
    (Whoosh's own ``_read_ids`` undoes the delta coding in a generator, and ``_read_weights``
    builds an array of 1.0 one posting at a time when all weights are 1)."""
    if m._data is None:  # noqa: SLF001 - the codec's block data; whoosh-reloaded is frozen
        m._read_data()  # noqa: SLF001
    ids, weights = m._data[0], m._data[1]  # noqa: SLF001
    if not m._byteids:  # noqa: SLF001
        ids = accumulate(ids)
    if weights is None or isinstance(weights, float):
        weights = repeat(1.0 if weights is None else weights)
    return ids, weights


def _read_postings(m) -> dict[int, float]:
    """{docnum: weight} of a term's postings in one segment. A plain leaf matcher of the on-disk
    codec is read a block at a time: its ids and weights arrays go into the dict in one call,
    instead of four to eight Python calls per posting (社区营造, whose pieces are in nearly all of
    144,579 documents, took 3.2 s of a 3.5 s profiled query that way). Anything else is walked.
    Deleted documents are not filtered here: callers read unfiltered matchers and drop them after."""
    found: dict[int, float] = {}
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            ids, weights = _block_arrays(m)
            if m._i:  # noqa: SLF001 - a block already partly consumed (not by this function)
                ids = list(ids)[m._i :]  # noqa: SLF001
                weights = weights if isinstance(weights, repeat) else list(weights)[m._i :]  # noqa: SLF001
            found.update(zip(ids, weights, strict=False))  # weights may be an endless repeat
            m._next_block()  # noqa: SLF001
        return found
    while m.is_active():
        found[m.id()] = m.weight()
        m.next()
    return found


# A segment's postings never change once it is written (deletions are kept beside it), so its
# postings are read once per process and kept across searchers: after a write only the new
# segment's are read, instead of every word again (社区 and 服务 are in nearly every document).
# Deleted documents are in them; each searcher leaves out its own. Keyed by segment id, which
# Whoosh makes random per segment.
SEGMENT_CACHE = 2_000_000  # postings (≈200 MB), all segments
_segment_cache: dict[tuple[str, str, str], dict[int, float]] = {}


def _segment_postings(reader, field: str, text: str) -> dict[int, float]:
    """{segment docnum: weight} of one term in one segment, deleted documents included."""
    key = (reader.segment().segment_id(), field, text)
    local = _segment_cache.get(key)
    if local is None:
        if sum(map(len, _segment_cache.values())) >= SEGMENT_CACHE:
            _segment_cache.clear()
        fmt = reader.schema[field].format
        matcher = reader._terms.matcher(field, reader._text_to_bytes(field, text), fmt)  # noqa: SLF001 - unfiltered
        local = _segment_cache[key] = _read_postings(matcher)
    return local


def _newest(docnums, k: int, top: int) -> list[int]:
    """The ``k`` highest document numbers of a set, all below ``top``. A dense set (a common
    word) is walked down from ``top`` (about k × top / len tests); ``heapq.nlargest`` over the
    set cost 60 ms for a word in all 144,579 documents, a heap replacement for nearly every
    element of a set that iterates in ascending order."""
    if len(docnums) * 64 >= top:
        out = []
        for docnum in range(top - 1, -1, -1):
            if docnum in docnums:
                out.append(docnum)
                if len(out) == k:
                    break
        return out
    return sorted(docnums)[-k:]


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

    def _build(self, q: SearchQuery, fields: tuple[str, ...] = ("title", "body")):
        groups = []
        for g in q.groups:
            alts = []
            for alt in g.alternatives:
                per_term = [wq.Or([wq.Term(f, t) for f in fields]) for t in alt.terms]
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

    @staticmethod
    def _postings(searcher, field: str, text: str) -> dict[int, float]:
        """{global docnum: posting weight} of one term, cached on the searcher (a new searcher,
        after any write, starts an empty cache, filled from the segments' caches). Deleted
        documents are left out."""
        cache = searcher.__dict__.setdefault("_sanshe_postings", {})
        key = (field, text)
        if key not in cache:
            if sum(map(len, cache.values())) >= TERM_CACHE:
                cache.clear()
            parts = []
            if (field, text) in searcher.reader():
                for sub, offset in searcher.leaf_searchers():
                    reader = sub.reader()
                    if (field, text) in reader:
                        parts.append((_segment_postings(reader, field, text), offset, reader.deleted_docs_set))
            if len(parts) == 1 and not parts[0][1] and not parts[0][2]:
                weights = parts[0][0]  # shared with the segment cache; never modified
            else:
                weights = {}
                for local, offset, deleted in parts:
                    weights.update(zip(map(offset.__add__, local), local.values(), strict=True) if offset else local)
                    for docnum in deleted:
                        if docnum in local:
                            del weights[docnum + offset]
            cache[key] = weights
        return cache[key]

    @classmethod
    def _size(cls, searcher, node) -> int:
        """An upper bound of how many documents ``node`` matches (cheap: posting counts)."""
        if isinstance(node, wq.Term):
            return len(cls._postings(searcher, node.fieldname, node.text))
        sizes = [cls._size(searcher, sub) for sub in node.subqueries]
        return min(sizes) if isinstance(node, wq.And) else sum(sizes)

    @classmethod
    def _docset(cls, searcher, wquery, within=None):
        """Global document numbers matching ``wquery`` (Term / And / Or), among ``within`` when
        given, by set algebra over the cached postings. An AND starts from its smallest part and
        tests only those documents against the others, so a word in nearly every document (社区,
        服务) is looked up per candidate instead of being copied into a set: 社区营造's unions of
        such sets were 26 of its 84 ms. (Whoosh's own matchers walked every posting of such an AND
        in Python, for every query.)"""
        if isinstance(wquery, wq.Term):
            postings = cls._postings(searcher, wquery.fieldname, wquery.text)
            if within is None:
                return postings.keys()
            return {d for d in within if d in postings} if len(within) < len(postings) else within & postings.keys()
        subs = wquery.subqueries
        if isinstance(wquery, wq.And):
            out = within
            for sub in sorted(subs, key=lambda node: cls._size(searcher, node)):
                out = cls._docset(searcher, sub, out)
                if not out:
                    return set()
            return set(out)
        return set().union(*(cls._docset(searcher, sub, within) for sub in subs))

    @classmethod
    def _score(cls, searcher, wquery, candidates, k: int) -> list[tuple[float, int]]:
        """Top ``k`` (score, docnum) among ``candidates``: Whoosh's own BM25F scorer per term on the
        cached posting weights, combined like its matchers (And: sum when all match; Or: sum of
        those that match), without walking any posting list. The query tree is turned into nested
        functions once, and each document's field lengths are read once."""
        lengths: dict[tuple[int, str], int] = {}

        def compile_node(node):
            if isinstance(node, wq.Term):
                field = node.fieldname
                postings = cls._postings(searcher, field, node.text)
                if not postings:  # also: no scorer for a word the index lacks (TermNotFound)
                    return lambda doc: None
                scorer = searcher.weighting.scorer(searcher, field, node.text)

                def leaf(doc):
                    weight = postings.get(doc)
                    if weight is None:
                        return None
                    length = lengths.get((doc, field))
                    if length is None:
                        length = lengths[doc, field] = searcher.doc_field_length(doc, field, 1)
                    return scorer._score(weight, length)  # noqa: SLF001

                return leaf
            subs = [compile_node(sub) for sub in node.subqueries]
            if isinstance(node, wq.And):

                def all_of(doc):
                    total = 0
                    for sub in subs:
                        value = sub(doc)
                        if value is None:
                            return None
                        total += value
                    return total

                return all_of

            def any_of(doc):
                total = None
                for sub in subs:
                    value = sub(doc)
                    if value is not None:
                        total = value if total is None else total + value
                return total

            return any_of

        score = compile_node(wquery)
        scored = [(score(d) or 0.0, d) for d in candidates]
        return heapq.nsmallest(k, scored, key=lambda sd: (-sd[0], sd[1]))

    def _query(self, q: SearchQuery, searcher) -> SearchResult:
        """Like the SQL backends: the capped count comes from the set of matches, and when more
        than ``rank_window`` match only the newest ``window`` matches plus the newest ``window``
        title matches are scored (document numbers follow indexing order). Scoring every match in
        Python was what made a common word take seconds."""
        wquery = self._build(q)
        flt = self._filter(q)
        allowed = searcher._filter_to_comb(flt) if flt is not None else None
        matched = self._docset(searcher, wquery)
        if allowed is not None:
            matched = set(matched) & set(allowed)
        count, cap = len(matched), count_cap()
        window = max(rank_window(), q.offset + q.limit)
        candidates = matched
        if count > window:
            titled = self._docset(searcher, self._build(q, fields=("title",)))
            if allowed is not None:
                titled = titled & set(allowed)
            top = searcher.doc_count_all()
            candidates = set(_newest(matched, window, top)) | set(_newest(titled, window, top))
        top = self._score(searcher, wquery, candidates, q.offset + q.limit)[q.offset :]
        hits = []
        for score, docnum in top:
            r = searcher.stored_fields(docnum)
            hits.append(Hit(r["type"], str(r["obj_id"]), r["title"], r.get("raw_body", ""), r["url"], float(score)))
        facets = {"type": {}, "category": {}}
        if q.facets:
            for facet in ("type", "category"):
                fset = candidates
                if count <= window:
                    fflt = self._filter(q, skip=facet)
                    fset = self._docset(searcher, wquery)
                    if fflt is not None:
                        fset = fset & set(searcher._filter_to_comb(fflt))
                counts: dict[str, int] = {}
                for docnum in fset:
                    value = searcher.stored_fields(docnum).get(facet) or ""
                    if value:
                        counts[value] = counts.get(value, 0) + 1
                facets[facet] = counts
        return SearchResult(min(count, cap), hits, facets, exact=count <= cap, facets_exact=count <= window)

    def count(self) -> int:
        return self._searcher().doc_count()

    def indexed_keys(self) -> set[tuple[str, str]]:
        searcher = self._searcher()
        out = set()
        for fields in searcher.all_stored_fields():
            out.add((fields["type"], str(fields["obj_id"])))
        return out


# The single Whoosh writer: run a worker on queue ``search_writer`` with ``--concurrency 1``. It lives
# beside the backend that sends it (its name stays apps.search.tasks.whoosh_write, which the routes
# and running workers know), so the backend and the tasks module don't import each other.
@shared_task(
    name="apps.search.tasks.whoosh_write", acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def whoosh_write(ops: list) -> int:
    return get_backend("whoosh").apply([tuple(op) for op in ops])
