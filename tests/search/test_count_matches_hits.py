"""The result count, the facets and the listed hits come from the same documents.

A CI page showed "9 条结果" over one listed result and "需求 (1)": SQLite's FTS5 index still held
eight documents whose rows Django's test flush had deleted behind the backend's back (the flush
knows nothing of ``search_fts``). Unfiltered queries count in FTS5 alone, so they counted the eight;
the hits and the facets read the document rows, so they did not."""

import pytest
from django.core.management.color import no_style
from django.db import connection

from apps.search.backends import get_backend
from apps.search.backends.sql import TABLE
from apps.search.documents import Doc
from apps.search.models import SearchDocument
from apps.search.selectors import search_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def sql_backend(backend):
    if backend == "whoosh":
        pytest.skip("the Whoosh index is not in the database: nothing deletes its documents behind it")
    return get_backend(backend)


def _needs(*ids: int) -> list[Doc]:
    return [
        Doc(
            type="need",
            id=str(i),
            title=f"玉林东路社区居家养老服务{i}",
            body="为辖区独居老人提供探访、助餐和健康监测服务。",
            url=f"/needs/{i}/",
            category="elderly",
            status="published",
        )
        for i in ids
    ]


def _assert_count_is_what_is_listed(expected: int) -> None:
    data = search_page(text="养老")
    assert len(data["results"]) == expected
    assert data["count"] == expected
    assert data["facets"]["type"] == {"need": expected}


def test_documents_removed_by_djangos_flush_are_not_counted(sql_backend):
    sql_backend.index(_needs(1, 2, 3, 4))
    with connection.cursor() as cur:
        for sql in connection.ops.sql_flush(no_style(), [TABLE]):
            cur.execute(sql)
    sql_backend.index(_needs(5))
    _assert_count_is_what_is_listed(1)


def test_documents_deleted_through_the_orm_are_not_counted(sql_backend):
    sql_backend.index(_needs(1, 2, 3))
    SearchDocument.objects.filter(obj_id__in=["1", "2"]).delete()
    _assert_count_is_what_is_listed(1)


def test_search_page_says_as_many_results_as_it_lists(sql_backend, client):
    sql_backend.index(_needs(1, 2, 3))
    SearchDocument.objects.filter(obj_id__in=["1", "2"]).delete()
    page = client.get("/search/", {"q": "养老"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.count('class="search-result"') == 1
    assert "1 条结果" in page
    assert "3 条结果" not in page


def test_deletes_are_still_followed_after_a_rebuild(sql_backend):
    sql_backend.rebuild(_needs(1, 2, 3))
    SearchDocument.objects.filter(obj_id__in=["1", "2"]).delete()
    _assert_count_is_what_is_listed(1)
