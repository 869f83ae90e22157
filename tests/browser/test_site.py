import pytest

from apps.notifications.services import notify
from tests.browser.conftest import ARTIFACTS, axe_audit, external_requests, shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_page_renders_locally_and_accessibly(site_content, live_server, page, mobile_page, viewport, lang):
    pg = mobile_page if viewport == "mobile" else page
    path = "/" if lang == "zh" else "/en/"
    response = pg.goto(f"{live_server.url}{path}")
    assert response.status == 200
    assert pg.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")
    assert pg.locator("h1").first.inner_text().startswith("社区")
    assert pg.locator("text=五线工作法").first.is_visible()
    # nothing wider than the viewport (no horizontal scrolling at 360 px)
    overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"
    assert external_requests(pg) == []
    shot(pg, f"home-{lang}-{viewport}")
    axe_audit(pg)


def test_keyboard_user_can_skip_to_content(site_content, live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    # The fragment navigation is asynchronous: wait for it rather than read the URL at once.
    wait_until(page, "location.hash === '#main'", timeout_ms=5000)
    assert page.url.endswith("#main")


def test_news_index_and_notice(site_content, live_server, mobile_page):
    mobile_page.goto(live_server.url + "/news/")
    assert mobile_page.locator(".item-list li").count() == 10
    mobile_page.click("a[rel=next]")
    assert mobile_page.locator(".item-list li").count() == 2
    mobile_page.goto(live_server.url + "/news/?kind=notice")
    mobile_page.locator(".item-list a").first.click()
    assert "年" in mobile_page.locator("time").first.inner_text()
    shot(mobile_page, "notice-mobile")
    axe_audit(mobile_page)
    assert external_requests(mobile_page) == []


def test_community_staff_signs_in_and_reaches_workspace(site_content, community_staff, live_server, page):
    sign_in(page, live_server, community_staff.username, "pw-Secret-123")
    page.goto(live_server.url + "/workspace/")
    assert page.url.endswith("/workspace/")
    assert "玉林东路社区" in page.content()
    shot(page, "workspace-community-staff")
    axe_audit(page)


def test_notifications_centre_mark_read_with_htmx(site_content, community_staff, live_server, page):
    notify(users=[community_staff], kind="hours_submitted", title="社工提交了服务时长，请审核", url="/workspace/")
    notify(users=[community_staff], kind="reminder", title="需求“助老送餐”明天截止投标")
    sign_in(page, live_server, community_staff.username, "pw-Secret-123")
    page.goto(live_server.url + "/notifications/")
    assert page.locator(".site-header .badge").first.inner_text().startswith("2")
    assert page.locator("li.notification.unread").count() == 2
    axe_audit(page)
    page.locator("li.notification.unread button").first.click()
    wait_until(page, "document.querySelectorAll('li.notification.unread').length === 1")
    assert "/notifications/" in page.url  # htmx swapped the item in place, no page load
    page.reload()
    assert page.locator("li.notification.unread").count() == 1
    shot(page, "notifications-centre")


def test_confirm_dialog_blocks_until_confirmed(site_content, community_staff, live_server, page):
    notify(users=[community_staff], kind="system", title="第一条")
    sign_in(page, live_server, community_staff.username, "pw-Secret-123")
    page.goto(live_server.url + "/notifications/")
    # turn "mark all as read" into an irreversible-looking action for this check
    page.evaluate(
        "document.querySelector(\"form[action$='read-all/']\").setAttribute('data-confirm', '确定全部标记为已读？')"
    )
    page.locator("form[action$='read-all/'] button").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible() and "确定全部标记为已读" in dialog.inner_text()
    page.locator("#confirm-dialog button[value=cancel]").click()
    assert page.locator("li.notification.unread").count() == 1
    page.locator("form[action$='read-all/'] button").click()
    page.locator("#confirm-dialog button[value=ok]").click()
    page.wait_for_load_state("load")
    wait_until(page, "document.querySelectorAll('li.notification.unread').length === 0")


def test_notice_prints_content_only(site_content, live_server, page):
    """The print stylesheet (static/css/print.css) keeps the notice and drops the site chrome."""
    page.goto(live_server.url + "/news/?kind=notice")
    page.locator(".item-list a").first.click()
    page.wait_for_load_state("load")
    title = page.locator("main h1").first.inner_text()
    chrome = ["header.site-header", "footer.site-footer", "nav.breadcrumbs", ".search-box"]
    assert any(page.locator(sel).first.is_visible() for sel in chrome)
    page.emulate_media(media="print")
    for sel in chrome:
        if page.locator(sel).count():
            assert page.locator(sel).first.is_hidden(), f"{sel} is printed"
    assert page.locator("main h1").first.is_visible() and page.locator("main h1").first.inner_text() == title
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "notice-print.pdf"))
    page.emulate_media(media="screen")
    assert page.locator("header.site-header").first.is_visible()


MAIN_PUBLIC_PAGES = [
    "/",
    "/needs/",
    "/needs/{need}/",
    "/needs/{need}/ranking/",
    "/funds/",
    "/funds/{fund}/",
    "/funds/{fund}/donate/",
    "/social-enterprises/",
    "/organizations/{org}/",
    "/search/?q=养老",
    "/news/",
    "/help/",
    "/oversight/public/",
    "/open-data/",
    "/accounts/login/",
    "/accounts/signup/",
]


def test_main_public_pages_pass_axe(site_content, world, make_need, live_server, mobile_page):
    """axe-core on each main public page at 360 px (the journeys audit the signed-in pages)."""
    need = make_need(title="玉林东路社区居家养老服务")
    ids = {"need": need.pk, "fund": world.city.fund.pk, "org": world.a.org.pk}
    problems = []
    for path in MAIN_PUBLIC_PAGES:
        url = live_server.url + path.format(**ids)
        response = mobile_page.goto(url)
        if response.status >= 400:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        shot(mobile_page, "page-" + (path.format(**ids).strip("/").replace("/", "-") or "home"))
        try:
            axe_audit(mobile_page)
        except pytest.fail.Exception as exc:
            problems.append(str(exc))
        overflow = mobile_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than 360 px")
    assert external_requests(mobile_page) == []
    assert not problems, "\n".join(problems)


def test_english_browser_is_sent_to_the_english_pages(site_content, world, make_need, live_server, browser):
    """A browser asking for English used to get 404 on every unprefixed page."""
    need = make_need()
    context = browser.new_context(locale="en-US")
    try:
        pg = context.new_page()
        for path in ("/", "/needs/", f"/needs/{need.pk}/", f"/funds/{world.city.fund.pk}/"):
            response = pg.goto(live_server.url + path)
            assert response.status == 200, path
            assert pg.url == f"{live_server.url}/en{path}"
            assert pg.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
