"""The quarterly report page in Chromium at 390 and 1280 px: no table wider than the phone,
Chinese labels, screenshots in artifacts/screenshots/."""

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from apps.fundreports.selectors import quarter_of
from apps.fundreports.services import fund_report_build
from tests.browser.conftest import DESKTOP, shot
from tests.fundreports.conftest import books, project_factory  # noqa: F401 - fixtures shared with tests/fundreports

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=not ON_SQLITE)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server():
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_report_page_fits_the_screen(browser, server, books, viewport):  # noqa: F811
    fund, _project = books
    year, quarter = quarter_of(timezone.now())
    fund_report_build(fund=fund, year=year, quarter=quarter)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/funds/{fund.pk}/reports/{year}-Q{quarter}/")
        assert page.locator("h1").inner_text().endswith(f"{year}年第{quarter}季度报告")
        assert "资金支出（按项目和预算科目）" in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{width} px wide"
        shot(page, f"fundreport-{viewport['width']}-zh")
    finally:
        context.close()
