"""A resident's suggestion as people see it (#21), at 390 px and 1280 px in Chinese: a resident
makes a suggestion, a neighbour supports it and comments, the community's staff hide a comment
with a reason and decline another suggestion with a public reason. Nothing is wider than the
window, axe passes, and no request leaves the server."""

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.participation.models import Suggestion, SuggestionComment, SuggestionSupport
from tests.browser.conftest import _new_page, may_sign_in, sign_in, visit
from tests.factories.core import UserFactory

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]


@pytest.fixture
def server(settings):
    settings.SANSHE_ENFORCE_MFA = False
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


def _resident(city, username):
    user = may_sign_in(UserFactory(username=username))
    membership_add(user=user, role=Role.RESIDENT, community=city.community)
    return user


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1280])
def test_a_resident_suggests_a_neighbour_supports_and_staff_answer(city, server, browser, width):
    author, neighbour = _resident(city, f"li_{width}"), _resident(city, f"wang_{width}")
    staff = may_sign_in(UserFactory(username=f"staff_{width}"))
    membership_add(user=staff, role=Role.COMMUNITY_STAFF, community=city.community)
    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN")
    try:
        sign_in(page, server, author.username, "pw-Secret-123")
        visit(page, f"suggestion-new-{width}", url=f"{server.url}/suggestions/new/")
        page.fill("input[name=title]", "楼道加装扶手")
        page.select_option("select[name=category]", label="为老服务")
        page.fill("textarea[name=description]", "3栋没有电梯，楼道台阶陡，老人上下楼很吃力。")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        suggestion = Suggestion.objects.get(author=author)
        assert page.url.endswith(f"/suggestions/{suggestion.pk}/")
        _fits(page, width)
        page.context.clear_cookies()

        sign_in(page, server, neighbour.username, "pw-Secret-123")
        visit(page, f"suggestion-detail-neighbour-{width}", url=f"{server.url}/suggestions/{suggestion.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="支持这条建议").click()
        assert "1位居民支持" in page.content()
        page.fill("textarea[name=text]", "我家老人住6楼，非常需要。电话138xxxx")
        with page.expect_navigation():
            page.get_by_role("button", name="发表评论").click()
        assert SuggestionSupport.objects.filter(user=neighbour).exists()
        _fits(page, width)
        page.context.clear_cookies()

        sign_in(page, server, staff.username, "pw-Secret-123")
        visit(page, f"suggestion-detail-staff-{width}", url=f"{server.url}/suggestions/{suggestion.pk}/")
        comment = SuggestionComment.objects.get(author=neighbour)
        page.locator(f"#comment-{comment.pk} summary", has_text="隐藏").click()
        page.fill(f"#hide-{comment.pk}", "含有个人联系方式")
        with page.expect_navigation():
            page.get_by_role("button", name="隐藏评论").click()
        assert "已隐藏" in page.content() and "138xxxx" not in page.content()
        page.fill("textarea[name=reason]", "楼道改造属于老旧小区改造项目，已报街道统一实施。")
        page.get_by_role("button", name="不予采纳").click()
        with page.expect_navigation():
            page.locator("#confirm-dialog button[value=ok]").click()
        _fits(page, width)
        visit(page, f"suggestion-declined-{width}")
        assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.DECLINED
    finally:
        context.close()
