"""PostgreSQL: the posting-bitmap path (``search_terms`` and its ``search_bits``) answers exactly
as the document-table path does, and follows every write (index, re-index, delete, rebuild),
also with document ids on both sides of a bitmap chunk's edge (8,192 ids per row)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from apps.search.backends.base import SearchQuery
from apps.search.backends.postgres import CHUNK_BITS, PostgresBackend, bit_count, newest
from apps.search.backends.sql import SqlBackend
from apps.search.documents import Doc
from apps.search.segmentation import parse_query

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TOPICS = ["养老服务", "长者饭堂", "助残康复", "四点半课堂", "心理疏导", "社区营造", "时间银行", "困境儿童"]
ACTS = ["入户走访", "主题讲座", "互动游戏", "个案辅导", "小组活动", "志愿巡查", "长者探访"]
QUERIES = [
    "养老",
    "长者饭堂",
    "助残",
    "儿童",
    "讲座",
    "社区营造",
    "健康 讲座",
    "时间银行 走访",
    "讲座 走访",
    "yanglao",
    "zzz不存在",
]


def docs(n: int):
    rng = random.Random(7)
    for i in range(n):
        topic = rng.choice(TOPICS)
        acts = rng.sample(ACTS, 2)
        title = f"{topic}项目{i}" if rng.random() < 0.5 else f"第{i}期{acts[0]}"
        yield need(str(i + 1), title, f"计划开展{topic}，包括{acts[0]}和{acts[1]}。")


def need(obj_id: str, title: str, body: str) -> Doc:
    return Doc(
        type="need",
        id=obj_id,
        title=title,
        body=body,
        url=f"/needs/{obj_id}/",
        category="elderly",
        region_path="510100000000/",
        status="published",
    )


def _terms_rows() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT t.id, t.terms, t.title_terms FROM search_terms t JOIN search_searchdocument d ON d.id = t.id"
        )
        rows = cur.fetchall()
        # The bitmaps hold exactly the (term, document) pairs of the documents' term lists.
        want = {(0, term, pk) for pk, terms, _ in rows for term in terms}
        want |= {(1, term, pk) for pk, _, title_terms in rows for term in title_terms}
        cur.execute("SELECT field, term, chunk, bits::text FROM search_bits")
        have = {
            (field, term, chunk * CHUNK_BITS + k)
            for field, term, chunk, bits in cur.fetchall()
            for k, bit in enumerate(bits)
            if bit == "1"
        }
        assert have == want
        return len(rows)


def _start_ids_at(first: int) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('search_searchdocument', 'id'), %s, false)", [first])


@pytest.mark.parametrize(
    "window,cap,first_id", [(1000, 10000, 1), (5, 10000, 1), (5, 40, 1), (5, 40, CHUNK_BITS - 200)]
)
def test_terms_path_gives_the_document_path_answer(settings, window, cap, first_id):
    settings.SEARCH_RANK_WINDOW, settings.SEARCH_COUNT_CAP = window, cap
    engine = PostgresBackend()
    _start_ids_at(first_id)
    assert engine.rebuild(docs(400)) == 400
    assert _terms_rows() == 400
    for text, match_any in [(t, False) for t in QUERIES] + [("时间银行 走访", True), ("健康 不存在词", True)]:
        q = SearchQuery(groups=parse_query(text), limit=10, match_any=match_any)
        fast, wide = engine.query(q), SqlBackend.query(engine, q)
        assert (fast.count, fast.exact, fast.facets_exact) == (wide.count, wide.exact, wide.facets_exact), text
        assert [(h.id, round(h.score, 5)) for h in fast.hits] == [(h.id, round(h.score, 5)) for h in wide.hits], text
        assert fast.facets == wide.facets, text
    assert engine.query(SearchQuery(groups=parse_query("养老"), limit=10)).count > 0


def test_terms_follow_index_delete_and_clear():
    engine = PostgresBackend()
    _start_ids_at(CHUNK_BITS - 15)
    engine.rebuild(docs(30))
    first = next(docs(1))
    first.title, first.body = "垃圾分类宣传", "督导员入户。"
    engine.index([first])  # re-index: the old terms row goes with the old document row
    assert _terms_rows() == 30
    found = engine.query(SearchQuery(groups=parse_query("垃圾分类"), limit=5))
    assert [h.id for h in found.hits] == ["1"]
    engine.delete([("need", "1")])
    assert _terms_rows() == 29
    assert engine.query(SearchQuery(groups=parse_query("垃圾分类"), limit=5)).count == 0
    engine.clear()
    assert _terms_rows() == 0


def test_bitmaps_follow_writes_across_a_chunk_edge():
    """Documents indexed one statement at a time (the triggers, not the rebuild's bulk fill),
    re-indexed and deleted on both sides of the edge between two bitmap rows."""
    engine = PostgresBackend()
    engine.rebuild([])
    _start_ids_at(CHUNK_BITS - 3)
    batch = list(docs(8))
    engine.index(batch[:5])
    engine.index(batch[5:])
    assert _terms_rows() == 8
    engine.index(batch[1:3])  # re-indexed: new ids in the next chunk, the old bits cleared
    engine.delete([("need", "4")])
    assert _terms_rows() == 7
    q = SearchQuery(groups=parse_query("项目"), limit=10)
    assert (engine.query(q).count, [h.id for h in engine.query(q).hits]) == (
        SqlBackend.query(engine, q).count,
        [h.id for h in SqlBackend.query(engine, q).hits],
    )


def test_newest_ids_come_from_the_highest_chunks_first():
    bits = {0: 1 << (CHUNK_BITS - 1 - 5) | 1 << (CHUNK_BITS - 1 - 9), 2: 1 << (CHUNK_BITS - 1 - 0) | 1}
    assert newest(bits, 3) == [2 * CHUNK_BITS + CHUNK_BITS - 1, 2 * CHUNK_BITS, 9]
    assert bit_count(bits) == 4
