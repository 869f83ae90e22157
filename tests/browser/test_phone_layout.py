"""Phones (#20): each role's main pages of the demo city, in Chromium at 390 px and at 1280 px.

On every page the document is no wider than the window, and the page's main action (派单,
验收并付款, 提交投标, the approve button of the hours queues…) lies within the window's width:
on a phone a table is a card per row, so a row's button is never scrolled off to the side. At
390 px the header takes at most two rows and the filters are folded under 筛选; at 1280 px the
filters are open. Every page is saved as a screenshot of each width (artifacts/screenshots/,
``390px-<role>-<page>.png`` and ``1280px-<role>-<page>.png``), which CI keeps.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from apps.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from apps.bidding.models import Need
from apps.funds.models import Fund
from apps.projects.models import Milestone
from apps.regions.models import Region
from tests.browser.conftest import shot, sign_in

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo_server():
    """The demo city behind a live server. On SQLite the server shares the test's connection, so
    the test's transaction holds everything and its rollback leaves the database as it was (a flush
    would run into the ledger's append-only triggers); on PostgreSQL the test is transactional."""
    call_command("seed_demo", "--i-know-this-is-public", stdout=StringIO())
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


def _main_pages() -> dict[str, list[tuple[str, str, str | None]]]:
    """Per demo account (README, "Demo accounts"): (name, path, the page's main action) for its
    main pages, with ids from the demo city. The action is a CSS selector, or ``text=`` the
    words a person looks for."""
    yulin = Region.objects.get(name="玉林东路社区", level=Region.Level.COMMUNITY)
    street = Region.objects.get(name="玉林街道", level=Region.Level.STREET)
    to_accept = Milestone.objects.filter(status=Milestone.Status.SUBMITTED, project__community=yulin)
    project = to_accept.order_by("pk").first().project_id
    open_need = Need.objects.filter(status=Need.Status.PUBLISHED).order_by("pk").first().pk
    evaluating = Need.objects.filter(status=Need.Status.EVALUATING).order_by("pk").first().pk
    fund = Fund.objects.get(community=yulin).pk
    return {
        "anonymous": [
            ("home", "/", None),
            ("needs", "/needs/", None),
            ("fund-books", f"/funds/{fund}/", f"a[href$='/funds/{fund}/donate/']"),
            ("registry", "/social-enterprises/", None),
        ],
        "yulin_staff": [
            ("workspace", "/workspace/", None),
            ("needs-mine", "/needs/mine/", "a[href$='/needs/new/']"),
            ("project", f"/projects/{project}/", "text=验收并付款"),
            ("hours-confirm", "/hours/confirm/", "button[name=action][value=confirm]"),
        ],
        "org_admin": [
            ("workspace", "/workspace/", None),
            ("bid", f"/needs/{open_need}/bid/", "main form[method=post] button[type=submit]"),
            ("my-bids", "/bids/", None),
            ("hours-approve", "/hours/approve/", "button[name=action][value=approve]"),
        ],
        "worker": [
            ("workspace", "/workspace/", None),
            ("hours", "/hours/", "form[method=post] button.primary[type=submit]"),
            ("hours-record", "/hours/record/", "form[action$='/hours/record/pdf/'] button"),
        ],
        "street_officer": [
            ("dispatch", "/dispatch/", "form[action$='/dispatch/'] button[type=submit]"),
            ("oversight", f"/oversight/{street.code}/", None),
            ("scorecards", f"/oversight/scorecards/{street.code}/", None),
        ],
        "unit_staff": [("inbox", "/work-orders/inbox/", "form[action$='/accept/'] button")],
        "reviewer1": [
            ("reviews", "/reviews/", None),
            ("review-sheet", f"/reviews/{evaluating}/", "main form[method=post] button.button[type=submit]"),
        ],
        "fund_manager": [
            ("fund-books", f"/funds/{fund}/", f"a[href$='/funds/{fund}/transfers.csv']"),
            ("refund-holds", f"/funds/{fund}/holds/", None),
        ],
        "staff": [
            ("certification-queue", "/certifications/queue/", None),
            ("verify-organizations", "/verification/organizations/", "a[href$='/verify/']"),
        ],
    }


def _header_rows(page) -> int:
    """How many rows the header's visible parts take (parts whose boxes overlap share a row)."""
    return page.evaluate(
        """() => {
          const boxes = [...document.querySelectorAll('.header-row > *')]
            .map(el => el.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0)
            .sort((a, b) => a.top - b.top);
          let rows = 0, bottom = -Infinity;
          for (const b of boxes) { if (b.top >= bottom - 1) { rows += 1; bottom = b.bottom; } else { bottom = Math.max(bottom, b.bottom); } }
          return rows;
        }"""
    )


# Where an element lies out of sight sideways with nothing scrolled: outside the window, or cut
# off by a box that scrolls or clips (a table that scrolls sideways hides its last column's button).
_OUT_OF_SIGHT = """el => {
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height) return "not shown";
  if (r.left < 0 || r.right > window.innerWidth) return `outside the window (${Math.round(r.left)}–${Math.round(r.right)} px)`;
  for (let box = el.parentElement; box; box = box.parentElement) {
    if (getComputedStyle(box).overflowX === "visible") continue;
    const b = box.getBoundingClientRect();
    if (r.left < b.left - 1 || r.right > b.right + 1) return `off to the side of a box that scrolls (${box.tagName.toLowerCase()}.${box.className})`;
  }
  return "";
}"""


def _problems_on(page, url: str, action: str | None, viewport: dict) -> list[str]:
    response = page.goto(url)
    page.wait_for_load_state("load")
    if response is None or response.status >= 400:
        return [f"answered {response and response.status}"]
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        problems.append(f"the page is {width} px wide in a {viewport['width']} px window")
    if action:
        target = (
            page.locator("main").get_by_text(action[5:], exact=True)
            if action.startswith("text=")
            else page.locator(action)
        )
        if not target.count():
            problems.append(f"no main action {action}")
        for i in range(min(target.count(), 5)):
            where = target.nth(i).evaluate(_OUT_OF_SIGHT)
            if where:
                problems.append(f"the main action {action} is {where}")
    if viewport is PHONE and _header_rows(page) > 2:
        problems.append(f"the header takes {_header_rows(page)} rows")
    return problems


def test_main_pages_of_every_role_fit_a_phone_and_a_desktop(demo_server, browser):
    problems = []
    for account, role_pages in _main_pages().items():
        # One sign-in per account for both widths (a TOTP code is taken once).
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if account != "anonymous":
            sign_in(page, demo_server, account, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            for name, path, action in role_pages:
                found = _problems_on(page, f"{demo_server.url}{path}", action, viewport)
                shot(page, f"{viewport['width']}px-{account}-{name}")
                problems += [f"{viewport['width']} px, {account}, {path}: {p}" for p in found]
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_filters_fold_on_a_phone_and_stay_open_on_a_desktop(live_server, browser):
    for viewport, folded in ((PHONE, True), (DESKTOP, False)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/needs/")
        page.wait_for_load_state("load")
        summary = page.locator("details.fold > summary")
        assert summary.is_visible() is folded
        if folded:
            assert summary.inner_text().strip().startswith("筛选")
            assert page.locator("input[name=budget_min]").is_hidden()
            summary.click()
        assert page.locator("input[name=budget_min]").is_visible()
        context.close()
