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
