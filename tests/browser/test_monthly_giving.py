"""Monthly giving in the browser (#23): the donate page offers one-time or monthly (Chinese
first) and sends the choice to the API; the donor's /giving/ page lists the payments and stops
the gift; both fit a 390 px phone and a 1280 px desktop (screenshots)."""

import json

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from apps.funds.models import GivingSchedule
from apps.funds.services import giving_invoice_book, giving_token, stripe_client
from tests.browser.conftest import _new_page, visit
from tests.factories.funds import GivingScheduleFactory
from tests.funds.conftest import stripe_settings, stripe_stub  # noqa: F401 (fixtures)

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]


@pytest.fixture
def server():
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.mark.parametrize(("width", "prefix", "monthly"), [(390, "", "每月定期捐赠"), (1280, "/en", "Every month")])
def test_donate_page_offers_a_monthly_gift(city, server, browser, stripe_stub, width, prefix, monthly):  # noqa: F811
    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN" if not prefix else "en-US")
    try:
        page.route("https://checkout.stripe.test/**", lambda route: route.fulfill(body="Stripe Checkout"))
        visit(page, f"donate-{width}", url=f"{server.url}{prefix}/funds/{city.fund.pk}/donate/")
        assert page.get_by_label("一次性捐赠" if not prefix else "One-time gift").is_checked()
        page.get_by_label(monthly).check()
        page.fill("input[name=amount]", "30.00")
        page.fill("input[name=email]", "donor@example.org")
        visit(page, f"donate-monthly-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_request(lambda r: r.url.endswith(f"/funds/{city.fund.pk}/donations/")) as sent:
            page.locator("#donate button[type=submit]").click()
        assert json.loads(sent.value.post_data)["interval"] == "month"
        page.wait_for_url("https://checkout.stripe.test/**")
        schedule = GivingSchedule.objects.get()
        assert schedule.amount_fen == 3000 and schedule.email == "donor@example.org"
        assert stripe_stub.requests[0][2]["mode"] == ["subscription"]
    finally:
        context.close()


@pytest.mark.parametrize(
    ("width", "prefix", "stop", "stopped"),
    [(390, "", "停止每月定期捐赠", "已停止"), (1280, "/en", "Stop my monthly gift", "Cancelled")],
)
def test_giving_page_lists_payments_and_stops(
    city,
    server,
    browser,
    stripe_settings,  # noqa: F811
    monkeypatch,
    width,
    prefix,
    stop,
    stopped,  # noqa: F811
):
    schedule = GivingScheduleFactory(fund=city.fund, amount_fen=30_00, stripe_subscription_id="sub_browser")
    for month in (1, 2, 3):
        giving_invoice_book(
            schedule=schedule, invoice_id=f"in_browser_{month}", amount_fen=30_00, charge=f"ch_b{month}"
        )
    cancelled = []
    monkeypatch.setattr(
        type(stripe_client().v1.subscriptions), "cancel", lambda self, sid, *a, **k: cancelled.append(sid)
    )
    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN" if not prefix else "en-US")
    try:
        visit(page, f"giving-{width}", url=f"{server.url}{prefix}/giving/{giving_token(schedule)}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for receipt in schedule.donations.values_list("receipt_no", flat=True):
            assert page.get_by_role("link", name=receipt).is_visible()
        page.get_by_role("button", name=stop).click()
        page.wait_for_load_state("load")
        visit(page, f"giving-stopped-{width}")
        assert stopped in page.locator("main").inner_text()
        assert cancelled == ["sub_browser"]
    finally:
        context.close()
