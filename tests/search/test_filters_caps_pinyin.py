"""List FilterSets inside search, the capped count, the bounded ranking window, pinyin runs."""

from decimal import Decimal

import pytest

from apps.bidding.models import Need
from apps.search.segmentation import parse_query, pinyin_syllables, pinyin_words
from apps.search.services import search_rebuild

from .test_search_api import corpus, make_need  # noqa: F401 - the shared corpus fixture

SEARCH = "/api/v1/search/"


def ids(resp) -> list[str]:
    return [r["id"] for r in resp.json()["results"]]


def test_need_list_filters_apply_to_a_need_search(api, city, corpus, backend):  # noqa: F811
    big = make_need(city, "养老大额项目", "为长者提供居家养老服务。")
    Need.objects.filter(pk=big.pk).update(budget_min=Decimal("20000"), budget_max=Decimal("80000"))
    search_rebuild()
    center = str(corpus["needs"]["center"].pk)
    everything = ids(api.get(SEARCH, {"q": "养老", "type": "need"}))
    assert {center, str(big.pk)} <= set(everything)
    # NeedFilter's budget_min (budget_max ≥ value) — the same filter the needs list uses
    resp = api.get(SEARCH, {"q": "养老", "type": "need", "budget_min": "10000"})
    assert resp.status_code == 200
    assert ids(resp) == [str(big.pk)]
    assert resp.json()["count"] == 1
    # combined with the index filters: region at any level
    assert ids(api.get(SEARCH, {"q": "养老", "type": "need", "budget_max": "5000", "region": city.district.code})) == [
        center
    ]
    # nothing kept by the list filter → nothing found (not everything)
    assert api.get(SEARCH, {"q": "养老", "type": "need", "budget_min": "999999"}).json()["count"] == 0
    # without a single type the list filters do not apply
    assert center in ids(api.get(SEARCH, {"q": "养老", "budget_min": "10000"}))


def test_other_types_use_their_list_filtersets(api, city, worker_factory, backend):
    senior = worker_factory(name="张助老", level="senior")
    worker_factory(name="李助老", level="assistant")
    search_rebuild()
    assert ids(api.get(SEARCH, {"q": "助老", "type": "worker", "level": "senior"})) == [str(senior.pk)]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"q": "养老", "type": "need", "budget_min": "abc"}, "budget_min"),
        ({"q": "养老", "type": "need", "deadline_after": "yesterday"}, "deadline_after"),
        ({"q": "养老", "type": "worker", "level": "guru"}, "level"),
    ],
)
def test_bad_list_filter_is_400_on_that_field(api, city, params, field):
    resp = api.get(SEARCH, params)
    assert resp.status_code == 400
    assert field in resp.json()


def test_count_is_capped_and_said_so(api, client, settings, corpus, backend):  # noqa: F811
    search_rebuild()
    body = api.get(SEARCH, {"q": "长者"}).json()
    assert body["count"] >= 2 and body["count_exact"] is True
    settings.SEARCH_COUNT_CAP = 1
    body = api.get(SEARCH, {"q": "长者"}).json()
    assert body["count"] == 1 and body["count_exact"] is False
    assert len(body["results"]) >= 2  # the cap limits counting, not the results
    assert "1+ results" in client.get("/en/search/", {"q": "长者"}).content.decode()


def test_ranking_window_keeps_title_matches(api, city, settings, backend):
    titled = make_need(city, "助餐示范点建设", "社区食堂。")
    newer = [make_need(city, f"社区食堂第{i}期", "为长者提供助餐。") for i in range(4)]
    search_rebuild()
    # The window is at least one page: rank the newest 2 matches and the newest 2 title matches.
    settings.SEARCH_RANK_WINDOW = 1
    body = api.get(SEARCH, {"q": "助餐", "page_size": 2}).json()
    assert body["count"] == 5 and body["count_exact"] is True  # counting is not windowed
    found = [r["id"] for r in body["results"]]
    assert found[0] == str(titled.pk)  # the old title match still comes first
    assert found[1] in {str(n.pk) for n in newer}
    assert body["facets_exact"] is False
    assert body["facets"]["type"]["need"] == 3  # a lower bound: the 3 ranked candidates
    assert found[1] in {str(newer[2].pk), str(newer[3].pk)}


def test_pinyin_syllables_split_a_run():
    assert pinyin_syllables("yanglaofuwu") == ("yang", "lao", "fu", "wu")
    assert pinyin_words("yanglaofuwu") == ("yanglao", "fuwu")
    assert pinyin_words("xinlishudao") == ("xinli", "shudao")
    assert pinyin_syllables("xian") == ("xian",)  # fewest syllables, as an IME reads it
    assert pinyin_syllables("community") == ()  # English is not split
    assert pinyin_words("yanglao") == ()  # two syllables are already one indexed word
    [group] = parse_query("yanglaofuwu")
    assert [alt.terms for alt in group.alternatives] == [("yanglaofuwu",), ("yanglao", "fuwu")]


def test_pinyin_run_finds_chinese(api, city, corpus, backend):  # noqa: F811
    search_rebuild()
    center = str(corpus["needs"]["center"].pk)
    for q in ("yanglaofuwu", "YangLaoFuWu", "yanglao fuwu"):
        assert center in ids(api.get(SEARCH, {"q": q})), q
    assert api.get(SEARCH, {"q": "xinlishudao"}).json()["count"] == 0  # no such text in the corpus


def test_results_follow_each_write_after_earlier_queries(api, city, backend, django_capture_on_commit_callbacks):
    # Whoosh caches posting lists per searcher; a write must not leave a query on the old ones.
    search_rebuild()

    def found():
        return {r["id"] for r in api.get(SEARCH, {"q": "助餐"}).json()["results"]}

    with django_capture_on_commit_callbacks(execute=True):
        first = make_need(city, "助餐示范点建设", "社区食堂。")
    assert found() == {str(first.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        second = make_need(city, "社区食堂第二期", "为长者提供助餐。")
    assert found() == {str(first.pk), str(second.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        first.status = "cancelled"
        first.save()
    assert found() == {str(second.pk)}
