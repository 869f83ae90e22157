"""The search interface the rest of the code calls."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.db import transaction
from django.utils.html import escape

from . import documents
from .backends import SearchQuery, SearchResult, get_backend
from .models import PendingIndexUpdate
from .segmentation import highlight_terms, is_cjk, parse_query

logger = logging.getLogger(__name__)
SNIPPET_CHARS = 120


def search_run(
    *,
    text: str,
    types: list[str] | None = None,
    category: str = "",
    region_path: str = "",
    status: str = "",
    obj_ids: list[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    facets: bool = True,
    backend: str | None = None,
) -> tuple[SearchResult, list]:
    """Run a query: AND of the words first; when that finds nothing, any of the words."""
    groups = parse_query(text)
    q = SearchQuery(
        groups=groups,
        types=list(types or []),
        category=category,
        region_path=region_path,
        status=status,
        obj_ids=obj_ids,
        offset=offset,
        limit=limit,
        facets=facets,
    )
    if obj_ids is not None and not obj_ids:
        return SearchResult(0, []), groups  # a list filter kept nothing
    engine = get_backend(backend)
    result = engine.query(q)
    if result.count == 0 and len(groups) > 1:
        q.match_any = True
        result = engine.query(q)
    return result, groups


def highlight(text: str, groups, *, width: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped window of ``text`` around the first match, matches wrapped in <mark>."""
    text = text or ""
    terms = [t for t in highlight_terms(groups) if t]
    pattern = None
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    start = 0
    if pattern:
        m = pattern.search(text)
        if m is None:
            chars = sorted({ch for t in terms if is_cjk(t) for ch in t})
            if chars:
                pattern = re.compile("|".join(re.escape(c) for c in chars))
                m = pattern.search(text)
        if m:
            start = max(0, m.start() - width // 4)
    window = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    if not pattern:
        return prefix + escape(window) + suffix
    out, pos = [], 0
    for m in pattern.finditer(window):
        out.append(escape(window[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(window[pos:]))
    return prefix + "".join(out) + suffix


# ---- indexing ------------------------------------------------------------------------------------


def index_object(*, doc_type: str, obj_id, backend: str | None = None) -> bool:
    """Reload and (re)index one object, or remove it when it is gone or not public. Idempotent."""
    doc = documents.load(doc_type, obj_id)
    engine = get_backend(backend)
    if doc is None:
        engine.delete([(doc_type, str(obj_id))])
        return False
    engine.index([doc])
    return True


def index_update_keep(*, doc_type: str, obj_id) -> None:
    """Keep an index update the broker could not take, for ``search_index_relay``."""
    PendingIndexUpdate.objects.create(doc_type=doc_type, obj_id=str(obj_id))


@transaction.atomic
def search_index_relay(*, backend: str | None = None, batch: int = 2000) -> int:
    """Apply the index updates kept while the broker was down: reload each object once (however
    often it changed), index it or remove it, and delete its rows. Rows another relay holds are
    skipped; a row added while this runs stays for the next run. Returns the objects indexed."""
    done = 0
    while True:
        rows = list(
            PendingIndexUpdate.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "doc_type", "obj_id")[:batch]
        )
        if not rows:
            return done
        for doc_type, obj_id in dict.fromkeys((t, i) for _pk, t, i in rows):
            index_object(doc_type=doc_type, obj_id=obj_id, backend=backend)
            done += 1
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _t, _i in rows]).delete()


def search_rebuild(*, backend: str | None = None, types=documents.TYPES, progress: Callable | None = None) -> int:
    return get_backend(backend).rebuild(documents.iter_docs(types), progress=progress)


def search_reconcile(*, backend: str | None = None) -> dict[str, int]:
    """Compare the index with the database; index what is missing, remove what must not be there."""
    engine = get_backend(backend)
    wanted = documents.indexable_keys()
    present = engine.indexed_keys()
    missing = wanted - present
    extra = present - wanted
    if extra:
        engine.delete(sorted(extra))
    by_type: dict[str, list[str]] = {}
    for t, i in missing:
        by_type.setdefault(t, []).append(i)
    fixed = 0
    for t, ids in by_type.items():
        docs = [d for d in (documents.load(t, i) for i in ids) if d is not None]
        fixed += engine.index(docs) if docs else 0
    result = {"indexed": len(wanted), "missing": len(missing), "extra": len(extra), "repaired": fixed}
    if missing or extra:
        logger.warning("search reconcile repaired %s", result)
    return result
