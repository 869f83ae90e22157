"""Issue #20 in Chromium: the books' SHA-256 digest has a copy button and never widens a 390 px
page; the long hours queues keep their approve/confirm button and the count of ticked rows at the
bottom of the screen while scrolling; dates read 2026年12月4日 on zh pages and 4 Dec 2026 on en ones.
Screenshots of each page at 390 and 1280 px."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from apps.funds.services import fund_income_record
from apps.ledger.services import digest_make
from apps.projects.models import ServiceLog
from tests.browser.conftest import DESKTOP, may_sign_in, shot, sign_in
from tests.factories.projects import ServiceLogFactory, make_project

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=not ON_SQLITE)]

PW = "pw-Secret-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server():
    """A live server; on SQLite it shares the test's connection and transaction, whose rollback
    undoes the books (a flush would run into the ledger's append-only triggers)."""
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


def _context(browser, viewport, **kwargs):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **kwargs)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    return context, page


def _not_wider_than_the_viewport(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def books(city):
    fund_income_record(fund=city.fund, amount_fen=123450, source="银行转账", idempotency_key="d1", purpose="elderly")
    today = timezone.localdate()
    (digest,) = digest_make(date=today)
    return city.fund, digest, today


def test_the_digest_copies_and_stays_inside_a_phone(books, server, browser):
    fund, digest, today = books
    context, page = _context(browser, PHONE, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(f"{server.url}/funds/{fund.pk}/")
        code = page.locator("#digest-hash")
        assert code.inner_text().strip() == digest.head_hash
        assert f"（{_chinese(today)}）" in page.locator("main").inner_text(), "the digest's date reads the Chinese way"
        _not_wider_than_the_viewport(page)
        box = code.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        button = page.get_by_role("button", name="复制")
        button.scroll_into_view_if_needed()
        button.click()
        page.get_by_role("button", name="已复制").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == digest.head_hash
        assert not page.csp_violations
        shot(page, "issue20-digest-390")
    finally:
        context.close()
    context, page = _context(browser, DESKTOP)
    try:
        page.goto(f"{server.url}/en/funds/{fund.pk}/")
        day = f"{today.day} {today:%b} {today.year}"
        assert f"({day})" in page.locator("main").inner_text(), "the digest's date reads 4 Dec 2026 in English"
        assert page.get_by_role("button", name="Copy").is_visible()
        shot(page, "issue20-digest-1280-en")
    finally:
        context.close()


@pytest.fixture
def long_queue(city, organization, make_user, worker_factory):
    workers = [worker_factory(organization=organization, name=f"社工{i}") for i in range(5)]
    project = make_project(community=city.community, organization=organization, workers=workers)
    today = timezone.localdate()
    for days in range(1, 7):
        for w in workers:
            ServiceLogFactory(
                project=project, worker=w, date=today - dt.timedelta(days=days), status=ServiceLog.Status.SUBMITTED
            )
    return may_sign_in(make_user("org_admin", organization=organization))


def test_the_approve_button_and_the_count_stay_on_screen_in_a_long_queue(long_queue, server, browser):
    for viewport, name in ((PHONE, "issue20-queue-390"), (DESKTOP, "issue20-queue-1280")):
        context, page = _context(browser, viewport)
        try:
            sign_in(page, server, long_queue.username, PW)
            page.goto(f"{server.url}/hours/approve/")
            rows = page.locator("input[name=ids]")
            assert rows.count() >= 25
            _not_wider_than_the_viewport(page)
            rows.nth(15).scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -200)")
            rows.nth(15).check()
            rows.nth(16).check()
            button = page.locator("button[name=action][value=approve]")
            count = page.locator("output[data-selected-count]")
            assert count.inner_text() == "2" and page.get_by_text("已选记录：").is_visible()
            height = viewport["height"]
            for element in (button, count):
                box = element.bounding_box()
                assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{box} is off the screen"
            assert (
                page.evaluate("window.scrollY") > 0
                and page.evaluate("document.documentElement.scrollHeight") > 2 * height
            ), "the queue is long enough to scroll"
            assert not page.csp_violations
            page.screenshot(path=str(shot(page, name)), full_page=False)
            button.click()
            page.wait_for_load_state("load")
        finally:
            context.close()
        if viewport is PHONE:
            assert ServiceLog.objects.filter(status="approved").count() == 2
