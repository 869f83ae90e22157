"""Accept-and-pay as the community's staff sees it (#20): the project page's button opens a
confirm page that fits a 390 px phone and a 1280 px desktop, shows the amount, the fund's money and
the organization, and pays only when confirmed; the message then names the amount, the payee and
the ledger transfer (流水 #N)."""

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from apps.ledger.models import Transfer
from apps.projects.services import milestone_submit
from tests.browser.conftest import _new_page, may_sign_in, sign_in, visit
from tests.factories.core import OrganizationFactory
from tests.factories.projects import make_project

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]


@pytest.fixture
def server():
    """A live server; on SQLite it shares the test's connection and transaction, whose rollback
    undoes the payment (a flush would run into the ledger's append-only triggers)."""
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.mark.parametrize(
    ("width", "prefix", "button", "paid"),
    [(390, "", "验收并付款", "已付款 ¥30,000.00 给"), (1280, "/en", "Accept and pay", "¥30,000.00 paid to")],
)
def test_staff_confirm_the_amount_before_a_milestone_is_paid(
    city, make_user, server, browser, width, prefix, button, paid
):
    organization = OrganizationFactory(region=city.district, name="玉林社工服务中心")
    project = make_project(community=city.community, organization=organization, fund=city.fund)
    milestone = project.milestones.first()
    milestone_submit(actor=make_user("org_admin", organization=organization), milestone=milestone, report="报告")
    staff = may_sign_in(make_user("community_staff", community=city.community))
    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN" if not prefix else "en-US")
    try:
        sign_in(page, server, staff.username, "pw-Secret-123")
        page.goto(f"{server.url}{prefix}/projects/{project.pk}/")
        page.get_by_role("link", name=button).first.click()
        page.wait_for_load_state("load")
        visit(page, f"money-confirm-accept-{width}{prefix.replace('/', '-')}")

        assert page.locator(".money-amount strong").inner_text() == "¥30,000.00"
        assert organization.name in page.locator(".money-confirm").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.get_by_role("button", name=button).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        assert not Transfer.objects.filter(kind="grant_payout").exists()

        page.get_by_role("button", name=button).click()
        page.wait_for_load_state("load")
        visit(page, f"money-confirm-accepted-{width}{prefix.replace('/', '-')}")

        message = page.locator(".messages").inner_text()
        transfer = Transfer.objects.get(kind="grant_payout")
        assert paid in message and organization.name in message and f"#{transfer.pk}" in message
    finally:
        context.close()
