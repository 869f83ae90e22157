"""The CMS admin of the demo: ``editor`` (Wagtail's Editors) drafts a news item and submits it,
``moderator`` (Moderators) approves it and it is on the home page; the admin speaks Chinese first
and sends nobody's address to gravatar.com."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from apps.core.demo import DemoContext
from cms import demo
from cms.models import NewsPage
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cms_demo(db):
    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    demo.seed(ctx)
    demo.seed_editors(ctx)
    return ctx


def test_the_admin_is_chinese_by_default_english_on_request_and_uses_no_gravatar(client, cms_demo, settings):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    client.force_login(cms_demo.users["editor"])
    zh = client.get("/cms-admin/")
    assert zh.status_code == 200
    page = zh.content.decode()
    assert 'lang="zh-hans"' in page.lower() or 'lang="zh-Hans"' in page
    assert "三社联动" in page
    assert "img/favicon.svg" in page  # the brand's icon, not Wagtail's bird
    assert "gravatar.com" not in page
    en = client.get("/cms-admin/", headers={"accept-language": "en"})
    assert 'lang="en"' in en.content.decode()


def test_editor_submits_a_news_draft_and_moderator_publishes_it_to_the_home_page(client, cms_demo):
    news_index = Page.objects.get(slug="news")
    client.force_login(cms_demo.users["editor"])
    add = reverse("wagtailadmin_pages:add", args=("cms", "newspage", news_index.pk))
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        nested_form_data(
            {
                "title": "社区议事会换届选举公告",
                "slug": "council-election",
                "date": "2026-12-01",
                "kind": "notice",
                "summary": "议事会将于本月完成换届。",
                "body": streamfield([]),
                "action-submit": "submit",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = NewsPage.objects.get(slug="council-election")
    assert not draft.live
    assert draft.current_workflow_state is not None
    assert "/news/council-election/" not in client.get("/").content.decode()

    client.force_login(cms_demo.users["moderator"])
    task_state = draft.current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=(draft.pk, "approve", task_state.pk))
    assert client.post(approve, {"comment": ""}).status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.live
    client.logout()
    assert "/news/council-election/" in client.get("/").content.decode()


@pytest.mark.parametrize("admin_url", ["/cms-admin/", "/ops/django-admin/"])
def test_a_signed_in_user_without_admin_access_is_told_so_not_sent_round_in_a_loop(client, admin_url):
    """An account without access to an admin used to be sent to the sign-in, which sent it, signed
    in already, back to the admin (ERR_TOO_MANY_REDIRECTS in the browser). It now gets a page that
    says it lacks access, in Chinese, and a link home."""
    client.force_login(UserFactory())
    response = client.get(admin_url, follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1  # the admin's own redirect to its sign-in, then this page
    page = response.content.decode()
    assert "你的账号不能进入这个管理后台" in page
    assert 'href="/"' in page
    # Not signed in, the same address is the site's sign-in form, which keeps where to go next.
    client.logout()
    response = client.get(admin_url)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_page_listing_counts_and_labels_in_chinese(client, cms_demo):
    """Wagtail 8's Chinese catalog lacks the listing's count ("1-12 of 12 页面") and its column and
    filter names, and its header's actions are labelled in English in its template: the project's
    catalog (locale_wagtail) and template override supply them."""
    client.force_login(cms_demo.users["editor"])
    news = Page.objects.get(slug="news")
    page = client.get(f"/cms-admin/pages/{news.pk}/").content.decode()
    assert "共 " in page and "个页面" in page  # 共 4 个页面，第 1–4 个
    assert " of " not in page
    assert "更新日期" in page and "页面类型" in page
    assert 'aria-label="Actions"' not in page
    assert 'aria-label="操作"' in page
    dashboard = client.get("/cms-admin/").content.decode()
    assert "created in" not in dashboard
