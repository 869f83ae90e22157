"""The other money confirm pages as their people see them (#20), on a 390 px phone and a 1280 px
desktop: a cooperative's manager pays a dividend, a fund manager resolves a refund hold and records
a revenue share as received (已到账). Each page shows the amount before anything moves, fits the
screen, and the message afterwards names the amount and the ledger transfer (流水 #N)."""

import pytest
from django.conf import settings

from apps.cooperatives.services import distribution_approve
from apps.ledger.models import Transfer
from apps.revenue.services import revenue_report_approve
from tests.browser.conftest import _new_page, may_sign_in, sign_in, visit
from tests.browser.test_money_confirm import server  # noqa: F401 - the fixture
from tests.cooperatives.conftest import manager, staff  # noqa: F401 - fixtures
from tests.cooperatives.test_money_confirm import declared  # noqa: F401 - the fixture
from tests.funds.conftest import stripe_settings  # noqa: F401 - the fixture
from tests.funds.test_holds import held  # noqa: F401 - the fixture
from tests.revenue.conftest import agreement, enterprise, enterprise_admin, fund_manager  # noqa: F401 - fixtures
from tests.revenue.test_money_confirm import report  # noqa: F401 - the fixture

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]
SCREENS = [(390, "", "zh-CN"), (1280, "/en", "en-US")]


@pytest.fixture(autouse=True)
def _no_mfa_enrolment(settings):
    settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern


def _confirm_and_press(browser, server, user, url, *, width, locale, button, name):  # noqa: F811
    """Sign in, open the confirm page: it fits the screen; press its button; the page after it."""
    context, page = _new_page(browser, {"width": width, "height": 844}, locale)
    try:
        sign_in(page, server, may_sign_in(user).username, "pw-Secret-123")
        page.goto(f"{server.url}{url}")
        visit(page, f"{name}-{width}")
        amount = page.locator(".money-amount strong").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.get_by_role("button", name=button).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state("load")
        visit(page, f"{name}-done-{width}")
        return amount, page.locator(".messages").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize(("width", "prefix", "locale"), SCREENS)
def test_a_dividend_is_paid_after_its_confirm_page(browser, server, staff, manager, declared, width, prefix, locale):  # noqa: F811
    approved = distribution_approve(actor=manager, distribution=declared)
    lina = approved.allocations.get(holder__name="李娜")
    url = f"{prefix}/cooperatives/{approved.cooperative_id}/distributions/{approved.pk}/allocations/{lina.pk}/pay/"
    button = "支付" if not prefix else "Pay"

    amount, message = _confirm_and_press(
        browser, server, staff, url, width=width, locale=locale, button=button, name="money-confirm-dividend"
    )

    transfer = Transfer.objects.get(kind="dividend_payout")
    assert amount == f"¥{lina.amount:,.2f}"
    assert amount in message and "李娜" in message and f"#{transfer.pk}" in message


@pytest.mark.parametrize(("width", "prefix", "locale"), SCREENS)
def test_a_refund_hold_is_booked_after_its_confirm_page(browser, server, city, held, make_user, width, prefix, locale):  # noqa: F811
    url = f"{prefix}/funds/{city.fund.pk}/holds/{held.pk}/?resolution=host"
    button = "入账" if not prefix else "Book it"

    amount, message = _confirm_and_press(
        browser,
        server,
        make_user("fund_manager", fund=city.fund),
        url,
        width=width,
        locale=locale,
        button=button,
        name="money-confirm-hold",
    )

    held.refresh_from_db()
    assert amount == "¥50.00" and held.resolved
    assert "¥50.00" in message and f"#{held.transfer_id}" in message


@pytest.mark.parametrize(("width", "prefix", "locale"), SCREENS)
def test_a_revenue_share_is_recorded_as_received_after_its_confirm_page(
    browser,
    server,  # noqa: F811
    fund_manager,  # noqa: F811
    report,  # noqa: F811
    width,
    prefix,
    locale,
):
    revenue_report_approve(actor=fund_manager, report=report)
    button = "已到账" if not prefix else "Money received"

    amount, message = _confirm_and_press(
        browser,
        server,
        fund_manager,
        f"{prefix}/revenue-share-reports/{report.pk}/settle/",
        width=width,
        locale=locale,
        button=button,
        name="money-confirm-received",
    )

    transfer = Transfer.objects.get(kind="revenue_share")
    assert amount == "¥3,703.68"
    assert amount in message and f"#{transfer.pk}" in message
