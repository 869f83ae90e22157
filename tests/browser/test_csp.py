"""Our scripts work under the Content-Security-Policy: they are static files now, and Chromium
enforces the policy (``visit`` fails on anything it blocked)."""

import pytest

from tests.browser.conftest import sign_in, visit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_use_my_location_fills_the_problem_report(community_staff, live_server, browser):
    context = browser.new_context(
        locale="zh-CN", permissions=["geolocation"], geolocation={"latitude": 30.64242, "longitude": 104.04311}
    )
    page = context.new_page()
    page.requests_seen = []
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    try:
        sign_in(page, live_server, community_staff.username, "pw-Secret-123")
        visit(page, "work-order-new", url=f"{live_server.url}/work-orders/new/")
        page.locator("#locate").click()
        wait_until(page, "document.getElementById('id_lat').value !== ''")
        assert page.locator("#id_lat").input_value() == "30.642420"
        assert page.locator("#id_lon").input_value() == "104.043110"
        assert page.locator("#locate-status").inner_text() == "30.64242, 104.04311"
        assert page.csp_violations == []
    finally:
        context.close()


def test_api_docs_render_swagger_ui(live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Sanshe API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.csp_violations == []
