import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone, translation
from wagtail.models import Page, Site, WorkflowPage

from apps.bidding.models import Need
from apps.core.models import Category
from cms import selectors
from cms.models import HomePage, NewsPage


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_home_page_shows_blocks_in_chinese(site_content, client):
    r = client.get("/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "社区、社会组织、社会工作者" in html
    assert "实时数据" in html and "新闻与通知公告" in html and "典型案例" in html
    assert "五线工作法" in html
    assert html.count("<h1") == 1  # one page heading for assistive tech


def test_home_page_block_headings_follow_the_readers_language(site_content, client):
    html = client.get("/en/").content.decode()
    for english in ("Live figures", "Needs open for bids", "News and notices", "Case stories"):
        assert english in html
    for chinese in ("实时数据", "正在征集方案的需求", "典型案例"):
        assert chinese not in html


def test_home_figures_count_open_needs_and_degrade_to_dash(site_content, client, city, make_user):
    staff = make_user("community_staff", community=city.community)
    now = timezone.now()
    for i, (status, deadline) in enumerate(
        [
            ("published", now + dt.timedelta(days=5)),
            ("published", now - dt.timedelta(days=1)),
            ("draft", now + dt.timedelta(days=5)),
        ]
    ):
        Need.objects.create(
            community=city.community,
            title=f"助老服务{i}",
            description="上门探访",
            category=Category.objects.get(code="elderly"),
            beneficiaries=30,
            budget_min=Decimal("10000"),
            budget_max=Decimal("20000"),
            service_start=dt.date(2027, 1, 1),
            service_end=dt.date(2027, 6, 30),
            min_worker_level="assistant",
            workers_needed=1,
            bid_deadline=deadline,
            status=status,
            published_at=now if status == "published" else None,
            created_by=staff,
        )
    figures = selectors.live_figures(use_cache=False)
    assert figures["open_needs"] == 1
    html = client.get("/").content.decode()
    assert "助老服务0" in html and "助老服务1" not in html and "助老服务2" not in html
    assert "¥10,000.00" in html
    # nothing delivered, raised or certified yet: the figures say zero, not a dash
    assert figures["hours_this_year"] == 0
    assert figures["money_raised_fen"] == 0
    assert figures["certified_enterprises"] == 0


def test_figure_comes_from_the_app_selector_and_a_failing_one_shows_a_dash(monkeypatch):
    monkeypatch.setattr(selectors, "certified_enterprise_count", lambda: 7)
    assert selectors.certified_enterprises_count() == 7
    monkeypatch.setattr(selectors, "certified_enterprise_count", lambda: 1 / 0)
    assert selectors.certified_enterprises_count() is None


def test_home_in_english_keeps_layout(site_content, client):
    r = client.get("/en/")
    assert r.status_code == 200 and '<html lang="en">' in r.content.decode()


def test_news_index_paginates_and_filters(site_content, client):
    page1 = client.get("/news/")
    assert page1.status_code == 200
    assert len(page1.context["page_obj"]) == 10
    assert page1.context["page_obj"].paginator.count == 12
    html = page1.content.decode()
    assert 'rel="next"' in html
    assert "关于开展2026年度社区服务项目需求征集的通知" in html  # newest first
    page2 = client.get("/news/?page=2")
    assert len(page2.context["page_obj"]) == 2
    notices = client.get("/news/?kind=notice")
    assert notices.context["page_obj"].paginator.count == 6
    assert all(p.kind == "notice" for p in notices.context["page_obj"])
    assert client.get("/news/?page=999").status_code == 200  # out of range → last page, not a 404/500
    assert client.get("/news/?kind=<script>").context["kind"] == ""


def test_news_page_shows_chinese_date_and_breadcrumbs(site_content, client):
    item = NewsPage.objects.live().first()
    html = client.get(item.url).content.decode()
    assert f"{item.date.year}年{item.date.month}月{item.date.day}日" in html
    assert 'aria-label="Breadcrumb"' in html or 'aria-label="面包屑' in html or "breadcrumbs" in html
    assert 'href="/news/"' in html


def test_demo_news_pages_say_their_summary_once_and_more_in_the_body(site_content, client):
    for item in NewsPage.objects.live():
        html = client.get(item.url).content.decode()
        assert html.count(item.summary) == 1, item.title
        assert str(item.body).count("<p>") >= 2, item.title


def test_unpublished_news_is_not_listed(site_content, client):
    item = NewsPage.objects.live().get(slug="item-1")
    item.unpublish()
    assert item.title not in client.get("/news/").content.decode()
    assert client.get("/news/item-1/").status_code == 404


def test_case_studies_and_help_pages(site_content, client):
    cases = client.get("/cases/").content.decode()
    assert "五线工作法" in cases and "望江楼社区基金" in cases
    assert "居民议事会" in client.get("/cases/five-lines/").content.decode()
    help_index = client.get("/help/").content.decode()
    for title in ("社区工作人员指南", "社会组织指南", "社工指南", "评审专家指南"):
        assert title in help_index
    assert client.get("/help/social-worker/").status_code == 200
    assert client.get("/about/").status_code == 200


def test_news_index_has_a_moderation_workflow(site_content):
    wp = WorkflowPage.objects.get(page=site_content["news_index"])
    tasks = [t.specific for t in wp.workflow.tasks]
    assert wp.workflow.active and tasks and tasks[0].groups.filter(name="Moderators").exists()
    # a news page created under the index follows the index's workflow
    news = site_content["news_index"].add_child(instance=NewsPage(title="待审核新闻", slug="pending", live=False))
    assert news.get_workflow() == wp.workflow


def test_moderation_holds_news_until_approved(site_content, make_user):
    editor = make_user()
    moderator = make_user()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    news = site_content["news_index"].add_child(instance=NewsPage(title="待审核新闻", slug="pending", live=False))
    revision = news.save_revision(user=editor)
    workflow = news.get_workflow()
    state = workflow.start(news, editor)
    assert state.status == "in_progress"
    news.refresh_from_db()
    assert not news.live
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    news.refresh_from_db()
    assert news.live and news.live_revision_id == revision.pk


def test_template_filters():
    t = Template(
        "{% load sanshe %}{{ d|cn_date }}|{{ d|cn_datetime }}|{{ a|yuan }}|{{ f|fen_yuan }}|{{ n|yuan }}|{{ bad|yuan }}"
    )
    ctx = Context({"d": dt.date(2026, 3, 5), "a": Decimal("1234.5"), "f": 123450, "n": None, "bad": "abc"})
    with translation.override("zh-hans"):
        assert t.render(ctx) == "2026年3月5日|2026年3月5日|¥1,234.50|¥1,234.50|—|—"
    with translation.override("en"):
        assert t.render(ctx).startswith("5 Mar 2026|")
    aware = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 7))
    with translation.override("zh-hans"):
        assert Template("{% load sanshe %}{{ d|cn_datetime }}").render(Context({"d": aware})) == "2026年3月5日 09:07"


def test_form_field_puts_errors_next_to_field():
    class F(forms.Form):
        title = forms.CharField(label="标题", max_length=5, help_text="最多5个字")

    f = F(data={"title": "太长太长太长"})
    f.is_valid()
    html = Template("{% load sanshe %}{% form_field f.title %}").render(Context({"f": f}))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title-help id_title-errors"' in html
    assert re.search(r'<ul class="errorlist" id="id_title-errors">', html)
    assert '<label for="id_title">' in html


def test_breadcrumbs_tag():
    html = Template('{% load sanshe %}{% breadcrumbs "需求" "/needs/" "助老" "" %}').render(Context())
    assert '<a href="/needs/">需求</a>' in html and '<li aria-current="page">助老</li>' in html


def test_base_layout_landmarks_and_local_assets(site_content, client):
    html = client.get("/").content.decode()
    for landmark in (
        '<header class="site-header" role="banner"',
        '<main id="main"',
        'role="contentinfo"',
        'class="skip-link"',
    ):
        assert landmark in html
    assert 'id="confirm-dialog"' in html and "/static/js/confirm.js" in html
    srcs = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert srcs == []


def test_home_renders_without_demo_pages(db, client):
    # a site with just a bare home page (no news, no cases) still renders with empty states
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="首页", slug="home2", body=[("latest_news", {"count": 3}), ("figures", {})])
    )
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    r = client.get("/")
    assert r.status_code == 200
    assert "empty" in r.content.decode()
