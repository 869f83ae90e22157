"""The CMS admin as its editors use it (#20), in Chromium: the demo's ``editor`` signs in, writes a
news item and submits it for moderation; ``moderator`` signs in, finds it awaiting review and
approves it; it is then on the home page. The admin speaks Chinese (its own words and the demo's
workflow names) and asks no host but ours: no Gravatar."""

from __future__ import annotations

import random

import pytest
from wagtail.models import Page

from apps.accounts.demo import DEMO_PASSWORD
from apps.core.demo import DemoContext
from cms import demo
from cms.models import NewsPage
from tests.browser.conftest import external_requests, may_sign_in, shot, sign_in, visit

# serialized_rollback: the test starts from the migrated database, with what Wagtail's own
# migrations create (the tree's root, the Editors and Moderators groups and their permissions),
# which a transactional test's flush would otherwise have removed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "社区议事会换届选举公告"


@pytest.fixture
def cms_demo():
    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    demo.seed(ctx)
    demo.seed_editors(ctx)
    for username in ("editor", "moderator"):
        may_sign_in(ctx.users[username])
    return ctx


def _admin_checks(page, name: str) -> None:
    """What every admin page must show a Chinese editor: the page in zh-hans, no request to another
    host (Gravatar above all)."""
    page.wait_for_load_state("load")
    shot(page, name)
    assert page.locator("html").get_attribute("lang").lower() == "zh-hans"
    assert external_requests(page) == [], external_requests(page)
    assert not [url for url in page.requests_seen if "gravatar" in url]


def test_editor_submits_a_news_item_moderator_publishes_it_and_it_is_on_the_home_page(
    cms_demo, live_server, page, other_page
):
    news_index = Page.objects.get(slug="news")

    # The editor writes the item and sends it to the news workflow (新闻与通知公告审核).
    sign_in(page, live_server, "editor", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cms-admin/")
    _admin_checks(page, "cms-editor-dashboard")
    page.goto(f"{live_server.url}/cms-admin/pages/{news_index.pk}/")
    _admin_checks(page, "cms-editor-news")
    page.get_by_role("link", name="添加子页面").click()  # news takes one page type: straight to its form
    _admin_checks(page, "cms-editor-new-item")
    assert page.get_by_role("heading", name="新建: 新闻或公告").count() == 1
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "notice")
    page.fill("#id_summary", "议事会将于本月完成换届，请居民关注选举安排。")
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="提交给新闻与通知公告审核").click()
    _admin_checks(page, "cms-editor-submitted")
    item = NewsPage.objects.get(title=TITLE)
    assert not item.live
    assert item.current_workflow_state is not None
    page.goto(f"{live_server.url}/")
    assert page.get_by_text(TITLE).count() == 0

    # The moderator finds it awaiting review (等待你的审查) and approves it.
    sign_in(other_page, live_server, "moderator", DEMO_PASSWORD)
    other_page.goto(f"{live_server.url}/cms-admin/")
    _admin_checks(other_page, "cms-moderator-dashboard")
    awaiting = other_page.locator("section, .w-panel, .panel").filter(has_text="等待你的审查")
    awaiting.get_by_role("link", name=TITLE).first.click()
    _admin_checks(other_page, "cms-moderator-item")
    other_page.locator("footer .w-dropdown__toggle").click()
    approve = other_page.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    assert "".join(approve.text_content().split()) == "批准和发布"  # the workflow's last task: approve and publish
    with other_page.expect_navigation():
        approve.evaluate("button => button.click()")  # the item of the footer's menu just opened
    _admin_checks(other_page, "cms-moderator-approved")
    item.refresh_from_db()
    assert item.live

    # Anyone now reads it on the home page, and its link opens it.
    visit(page, "cms-home-with-news", url=f"{live_server.url}/")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").first.inner_text().strip() == TITLE
