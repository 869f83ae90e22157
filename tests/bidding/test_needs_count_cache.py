"""The needs list's `count`: exact for small results; a large count is kept for a few seconds per
filter combination and reader (documented on the list API), so it may be briefly stale."""

import pytest
from django.core.cache import cache


@pytest.fixture
def small_cache_threshold(monkeypatch):
    monkeypatch.setattr("apps.bidding.selectors.COUNT_CACHE_FROM", 3)
    cache.clear()
    yield
    cache.clear()


def test_small_counts_are_exact(client, make_need, small_cache_threshold):
    make_need()
    assert client.get("/api/v1/needs/").json()["count"] == 1
    make_need()
    assert client.get("/api/v1/needs/").json()["count"] == 2


def test_large_count_is_cached_per_filters_and_reader(client, world, make_need, small_cache_threshold):
    for _ in range(3):
        make_need()
    make_need(status="draft")
    assert client.get("/api/v1/needs/").json()["count"] == 3
    make_need()
    # the same list within the cache's seconds: the kept count; its rows are current
    stale = client.get("/api/v1/needs/").json()
    assert stale["count"] == 3 and len(stale["results"]) == 4
    assert client.get("/needs/").status_code == 200
    # another filter combination, or a reader who also sees drafts, is counted afresh
    assert client.get("/api/v1/needs/?status=published").json()["count"] == 4
    client.force_login(world.staff)
    assert client.get("/api/v1/needs/").json()["count"] == 5
    cache.clear()
    client.logout()
    assert client.get("/api/v1/needs/").json()["count"] == 4


def test_deep_pages_hold_the_same_rows_in_the_same_order(client, make_need, monkeypatch):
    for _ in range(5):
        make_need()
    url = "/api/v1/needs/?page=2&page_size=2"
    shallow = [n["id"] for n in client.get(url).json()["results"]]
    monkeypatch.setattr("apps.bidding.selectors.DEEP_PAGE_FROM", 2)  # page 2 now found by id first
    deep = client.get(url).json()
    assert [n["id"] for n in deep["results"]] == shallow and len(shallow) == 2
    assert deep["count"] == 5 and deep["next"] and deep["previous"]
