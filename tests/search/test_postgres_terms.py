"""PostgreSQL: the posting-list path (``search_terms`` and its ``search_postings`` and
``search_title_postings``) answers exactly as the document-table path does, and follows every
write (index, re-index, delete, rebuild)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from apps.search.backends.base import SearchQuery
from apps.search.backends.postgres import PostgresBackend
from apps.search.backends.sql import SqlBackend
from apps.search.documents import Doc
from apps.search.segmentation import parse_query

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TOPICS = ["养老服务", "长者饭堂", "助残康复", "四点半课堂", "心理疏导", "社区营造", "时间银行", "困境儿童"]
ACTS = ["入户走访", "主题讲座", "互动游戏", "个案辅导", "小组活动", "志愿巡查"]
QUERIES = ["养老", "长者饭堂", "助残", "儿童", "讲座", "社区营造", "健康 讲座", "时间银行 走访", "yanglao", "zzz不存在"]


def docs(n: int):
    rng = random.Random(7)
    for i in range(n):
        topic = rng.choice(TOPICS)
        acts = rng.sample(ACTS, 2)
        title = f"{topic}项目{i}" if rng.random() < 0.5 else f"第{i}期{acts[0]}"
        yield Doc(
            type="need",
            id=str(i + 1),
            title=title,
            body=f"计划开展{topic}，包括{acts[0]}和{acts[1]}。",
            url=f"/needs/{i + 1}/",
            category="elderly",
            region_path="510100000000/",
            status="published",
        )


def _terms_rows() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM search_terms t JOIN search_searchdocument d ON d.id = t.id")
        n = cur.fetchone()[0]
        # The posting tables hold exactly the (term, document) pairs of the documents' term lists.
        for table, column in (("search_postings", "terms"), ("search_title_postings", "title_terms")):
            cur.execute(
                f"SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT x, t.id FROM search_terms t "  # noqa: S608
                f"JOIN search_searchdocument d ON d.id = t.id, unnest(t.{column}) x "
                f"EXCEPT ALL SELECT term, id FROM {table}) a), "
                f"(SELECT COUNT(*) FROM (SELECT term, id FROM {table} EXCEPT ALL SELECT DISTINCT x, t.id "
                f"FROM search_terms t JOIN search_searchdocument d ON d.id = t.id, unnest(t.{column}) x) b), "
                f"(SELECT COUNT(*) FROM {table})"
            )
            missing, extra, total = cur.fetchone()
            assert (missing, extra) == (0, 0), table
            assert (total > 0) == (n > 0), table
        return n


@pytest.mark.parametrize("window,cap", [(1000, 10000), (5, 10000), (5, 40)])
def test_terms_path_gives_the_document_path_answer(settings, window, cap):
    settings.SEARCH_RANK_WINDOW, settings.SEARCH_COUNT_CAP = window, cap
    engine = PostgresBackend()
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


def test_planner_settings_are_restored_inside_a_transaction():
    """The postings statement turns hash and bitmap plans off with SET LOCAL; the caller's
    transaction (here the test's) gets the defaults back for whatever it runs next."""
    engine = PostgresBackend()
    engine.rebuild(docs(50))
    assert engine.query(SearchQuery(groups=parse_query("养老"), limit=5)).count > 0
    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('enable_hashjoin'), current_setting('enable_bitmapscan'), current_setting('jit')"
        )
        assert cur.fetchone()[:2] == ("on", "on")
