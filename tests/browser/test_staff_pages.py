"""Platform staff's panel and verification pages at 360 px in Chromium: the reviewer search
filters the checklist without losing choices, the panel saves after confirming, and the
verification queue and reject page fit the screen and pass axe."""

import pytest

from apps.bidding.models import PanelReviewer
from apps.organizations.models import Organization
from tests.browser.conftest import may_sign_in, sign_in, visit
from tests.factories.core import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_staff_assign_a_panel_on_a_phone(world, make_need, live_server, mobile_page, settings):
    settings.SANSHE_ENFORCE_MFA = False  # the TOTP step is covered by the journeys
    need = make_need()
    staff = may_sign_in(world.platform)
    first, second = world.reviewers[:2]
    page = sign_in(mobile_page, live_server, staff.username, "pw-Secret-123")

    visit(page, "panel-360", url=f"{live_server.url}/needs/{need.pk}/panel/")
    _fits(page)
    page.fill("#reviewer-search", first.display_name)
    assert page.locator("#reviewer-list li:visible").count() == 1
    page.check(f"input[name=reviewers][value='{first.pk}']")
    page.fill("#reviewer-search", second.display_name)
    page.check(f"input[name=reviewers][value='{second.pk}']")
    page.fill("#reviewer-search", "")
    assert page.locator("#reviewer-list li:visible").count() == len(world.reviewers)
    page.locator("form:has(#reviewer-list) button[type=submit]").click()
    page.wait_for_load_state("load")
    visit(page, "panel-360-confirm")
    _fits(page)
    assert not PanelReviewer.objects.filter(need=need).exists()
    page.locator("#confirm button[type=submit]").click()
    page.wait_for_load_state("load")
    assert set(PanelReviewer.objects.filter(need=need).values_list("reviewer_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert page.locator(f"[data-seat='{first.pk}'][data-state='pending']").count() == 1


def test_staff_reject_an_organization_on_a_phone(world, live_server, mobile_page, settings):
    settings.SANSHE_ENFORCE_MFA = False
    org = OrganizationFactory(region=world.city.district, status="pending", address="成都市武侯区玉林南路十二号附三号")
    staff = may_sign_in(world.platform)
    page = sign_in(mobile_page, live_server, staff.username, "pw-Secret-123")

    visit(page, "verification-orgs-360", url=f"{live_server.url}/verification/organizations/")
    _fits(page)
    page.locator(f"[data-organization='{org.pk}'] a[href$='/reject/']").click()
    page.wait_for_load_state("load")
    visit(page, "verification-reject-360")
    _fits(page)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator(".errorlist").count() >= 1
    page.fill("textarea[name=reason]", "登记证书已过期")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state("load")
    org.refresh_from_db()
    assert org.status == Organization.Status.REJECTED
    visit(page, "verification-orgs-360-empty")
