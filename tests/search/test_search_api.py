import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.bidding.models import Need, Proposal
from apps.core.models import Category
from apps.search.backends import get_backend
from apps.search.services import search_rebuild, search_reconcile
from tests.factories.core import OrganizationFactory, UserFactory


def make_need(city, title, description, *, status="published", category="elderly", community=None):
    user = UserFactory()
    today = timezone.localdate()
    return Need.objects.create(
        community=community or city.community,
        title=title,
        description=description,
        category=Category.objects.get(code=category),
        beneficiaries=30,
        budget_min=Decimal("1000.00"),
        budget_max=Decimal("5000.00"),
        service_start=today,
        service_end=today + dt.timedelta(days=90),
        min_worker_level="assistant",
        workers_needed=2,
        bid_deadline=timezone.now() + dt.timedelta(days=10),
        status=status,
        published_at=timezone.now() if status != "draft" else None,
        created_by=user,
    )


@pytest.fixture
def corpus(city):
    needs = {
        "center": make_need(city, "玉林东路社区养老服务中心运营", "为社区长者提供日间照料和助餐服务。"),
        "canteen": make_need(city, "长者饭堂助餐项目", "社区长者饭堂每日午餐配送。", community=city.other_community),
        "youth": make_need(city, "四点半课堂", "放学后为困境儿童提供课业辅导。", category="children_youth"),
        "draft": make_need(city, "草稿需求养老秘密", "尚未发布的养老内容 DRAFTSECRET", status="draft"),
        "cancelled": make_need(city, "已取消的养老需求", "取消的内容 CANCELSECRET", status="cancelled"),
    }
    org = OrganizationFactory(
        region=city.district, name="武侯区心连心社会工作服务中心", description="专注社区养老与助残。"
    )
    pending = OrganizationFactory(region=city.district, name="待审核养老机构", status="pending")
    sealed = Proposal.objects.create(
        need=needs["center"],
        organization=org,
        title="密封投标方案",
        summary="SEALEDPROPOSAL 养老服务方案摘要",
        approach="SEALEDAPPROACH",
        total_amount=Decimal("3000.00"),
        created_by=UserFactory(),
    )
    return {"needs": needs, "org": org, "pending": pending, "proposal": sealed}


def test_search_api_contract_shape(api, corpus, backend):
    search_rebuild()
    resp = api.get("/api/v1/search/", {"q": "养老服务"})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) >= {"count", "results", "facets"}
    assert set(body["facets"]) == {"type", "category"}
    first = body["results"][0]
    assert set(first) == {"type", "id", "title", "snippet", "url"}
    assert first["type"] == "need" and first["id"] == str(corpus["needs"]["center"].pk)
    assert first["url"] == f"/needs/{corpus['needs']['center'].pk}/"
    assert "<mark>养老</mark>" in first["snippet"] or "<mark>" in first["snippet"]
    assert body["facets"]["type"]["need"] >= 1
    assert body["facets"]["category"]["elderly"] >= 1


def test_word_inside_compound_and_pinyin(api, corpus, backend):
    search_rebuild()
    center = str(corpus["needs"]["center"].pk)
    for q in ("养老服务", "养老", "yanglao", "yl"):
        ids = [r["id"] for r in api.get("/api/v1/search/", {"q": q, "type": "need"}).json()["results"]]
        assert center in ids, q


def test_private_content_never_indexed(api, corpus, backend):
    search_rebuild()
    engine = get_backend()
    keys = engine.indexed_keys()
    assert ("need", str(corpus["needs"]["draft"].pk)) not in keys
    assert ("need", str(corpus["needs"]["cancelled"].pk)) not in keys
    assert ("organization", str(corpus["pending"].pk)) not in keys
    for secret in ("DRAFTSECRET", "CANCELSECRET", "SEALEDPROPOSAL", "SEALEDAPPROACH", "密封投标方案", "草稿需求"):
        assert api.get("/api/v1/search/", {"q": secret}).json()["count"] == 0, secret
    types = {t for t, _ in keys}
    assert "proposal" not in types


def test_worker_certificate_number_not_indexed(api, worker_factory, backend):
    worker = worker_factory(name="李秀英", certificate_no="ZZ99887766")
    hidden = worker_factory(name="王私密", public_profile=False)
    search_rebuild()
    assert api.get("/api/v1/search/", {"q": "ZZ99887766"}).json()["count"] == 0
    assert api.get("/api/v1/search/", {"q": "zz99887766"}).json()["count"] == 0
    found = api.get("/api/v1/search/", {"q": "李秀英"}).json()["results"]
    assert [r["id"] for r in found] == [str(worker.pk)]
    assert api.get("/api/v1/search/", {"q": "王私密"}).json()["count"] == 0
    assert ("worker", str(hidden.pk)) not in get_backend().indexed_keys()


def test_filters_type_category_region(api, city, corpus, backend):
    search_rebuild()
    canteen = str(corpus["needs"]["canteen"].pk)
    r = api.get("/api/v1/search/", {"q": "长者", "region": city.other_street.code}).json()
    assert [x["id"] for x in r["results"]] == [canteen]
    r = api.get("/api/v1/search/", {"q": "长者", "region": city.district.code}).json()
    assert r["count"] >= 2
    r = api.get("/api/v1/search/", {"q": "社区", "category": "children_youth"}).json()
    assert {x["id"] for x in r["results"]} == {str(corpus["needs"]["youth"].pk)}
    r = api.get("/api/v1/search/", {"q": "养老", "type": "organization"}).json()
    assert {x["type"] for x in r["results"]} == {"organization"}
    # the type facet ignores the type filter, so users see the other types' counts
    assert r["facets"]["type"].get("need", 0) >= 1


def test_signals_index_after_commit_and_remove_on_cancel(corpus, backend, django_capture_on_commit_callbacks, city):
    search_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        need = make_need(city, "社区营造微更新", "楼道微更新 NEWWORD")
    keys = get_backend().indexed_keys()
    assert ("need", str(need.pk)) in keys
    with django_capture_on_commit_callbacks(execute=True):
        need.status = "cancelled"
        need.save()
    assert ("need", str(need.pk)) not in get_backend().indexed_keys()
    with django_capture_on_commit_callbacks(execute=True):
        org = corpus["org"]
        org.status = "suspended"
        org.save()
    assert ("organization", str(org.pk)) not in get_backend().indexed_keys()


def test_reconcile_repairs_differences(corpus, backend):
    search_rebuild()
    engine = get_backend()
    center = corpus["needs"]["center"]
    engine.delete([("need", str(center.pk))])
    Need.objects.filter(pk=corpus["needs"]["youth"].pk).update(status="cancelled")  # no signal
    result = search_reconcile()
    assert result["missing"] == 1 and result["extra"] == 1
    keys = engine.indexed_keys()
    assert ("need", str(center.pk)) in keys
    assert ("need", str(corpus["needs"]["youth"].pk)) not in keys
    assert search_reconcile()["missing"] == 0


@pytest.mark.parametrize(
    "params,field",
    [
        ({"q": "养" * 500}, "q"),
        ({"q": "养老", "type": "proposal"}, "type"),
        ({"q": "养老", "category": "nope"}, "category"),
        ({"q": "养老", "region": "999999999999"}, "region"),
        ({"q": "养老", "page_size": "1000"}, "page_size"),
        ({"q": "养老", "page": "abc"}, "page"),
    ],
)
def test_bad_input_is_400(api, city, params, field):
    resp = api.get("/api/v1/search/", params)
    assert resp.status_code == 400
    assert field in resp.json()


def test_fts_syntax_in_query_is_harmless(api, corpus, backend):
    search_rebuild()
    for q in ('"', "养老 AND OR NOT", "a*", "NEAR(", "'; DROP TABLE", "(((", "\\"):
        assert api.get("/api/v1/search/", {"q": q}).status_code == 200


def test_results_page_and_suggestions(client, corpus, backend):
    search_rebuild()
    resp = client.get("/search/", {"q": "长者饭堂"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<mark>长者饭堂</mark>助餐项目" in html
    assert '<span class="badge">需求</span>' in html  # the kind in the page's language, not its code
    assert '<span class="badge">need</span>' not in html
    assert 'hx-get="/search/suggest/"' in html
    resp = client.get("/search/suggest/", {"q": "长者"})
    assert "<mark>长者</mark>饭堂助餐项目" in resp.content.decode()
    english = client.get("/en/search/", {"q": "长者饭堂"})
    assert english.status_code == 200 and '<span class="badge">Need</span>' in english.content.decode()
    # Category facets are named in the page's language too.
    assert "为老服务 (" in html and "Elderly care (" in english.content.decode()
