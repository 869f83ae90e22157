"""The workspace shows each role the cards its apps register, and no other role's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.core import workspace
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from tests.factories.bidding import NeedFactory, ProposalFactory
from tests.factories.core import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, settings):
    settings.SANSHE_ENFORCE_MFA = False  # the MFA step is not what these test

    def _page(user) -> str:
        client.force_login(user)
        response = client.get(reverse("workspace"))
        assert response.status_code == 200
        return response.content.decode()

    return _page


def _links(html: str) -> list[str]:
    """The action links of the role sections, in order (not the counts, not the breadcrumbs)."""
    sections = "".join(re.findall(r'<section class="card".*?</section>', html, re.S))
    actions = re.sub(r'<ul class="action-counts">.*?</ul>', "", sections, flags=re.S)
    return re.findall(r'<li><a href="([^"]+)">', actions)


def test_community_staff_see_their_apps_links_in_order_and_org_members_do_not(city, organization, make_user, page):
    staff = page(make_user("community_staff", community=city.community))
    assert _links(staff) == [
        reverse("bidding:need-new"),
        reverse("bidding:needs-mine"),
        reverse("projects:community-projects"),
        reverse("shifts:witness-today"),
        reverse("projects:confirm-queue"),
        reverse("dispatch:work-order-new"),
        reverse("dispatch:report-triage"),
        reverse("cooperative-list-page"),
        reverse("participation:suggestion-list"),
    ]
    assert 'data-count="drafts"' in staff

    member = page(make_user("org_member", organization=organization))
    assert _links(member) == [reverse("bidding:need-list"), reverse("bidding:my-bids")]
    assert reverse("bidding:need-new") not in member
    assert 'data-count="drafts"' not in member
    assert 'data-count="records_to_approve"' not in member  # approving hours is the admin's card


def test_fund_managers_see_funds_and_revenue_cards_and_grid_workers_do_not(city, make_user, page):
    manager = page(make_user("fund_manager", fund=city.fund))
    assert _links(manager) == [
        reverse("fund-list-page"),
        reverse("revenue-share-list-page"),
        reverse("cooperative-list-page"),
    ]
    keys = re.findall(r'data-count="([^"]+)"', manager)
    assert keys == ["refund_holds", "pending_reports", "payouts", "reconciliation_warnings"]
    assert f'href="{reverse("fund-refund-holds", kwargs={"pk": city.fund.pk})}"' in manager
    assert f'href="{reverse("fund-payouts", kwargs={"pk": city.fund.pk})}"' in manager

    html = page(make_user("grid_worker", community=city.community))
    assert reverse("fund-list-page") not in _links(html)
    assert re.findall(r'data-count="([^"]+)"', html) == ["reports_to_review"]  # residents' reports only


@pytest.fixture
def registry_copy(monkeypatch):
    """A card registered by a test is forgotten after it."""
    workspace.discover()
    monkeypatch.setattr(workspace, "_links", list(workspace._links))
    monkeypatch.setattr(workspace, "_counts", list(workspace._counts))


def test_a_card_an_app_registers_shows_for_its_role_only(registry_copy, city, make_user, page):
    workspace_link(Role.GRID_WORKER, order=5, label=_("Notifications"), url_name="notifications")

    @workspace_count(Role.GRID_WORKER, order=5)
    def open_problems(*, user, memberships):
        return [ActionCount("open_problems", "Open problems", 3, reverse("notifications"))]

    grid = page(make_user("grid_worker", community=city.community))
    assert _links(grid) == [
        reverse("notifications"),
        reverse("shifts:witness-today"),
        reverse("dispatch:work-order-new"),
        reverse("dispatch:report-triage"),
    ]
    assert '<li data-count="open_problems">' in grid and '<strong class="count">3</strong>' in grid

    staff = page(make_user("community_staff", community=city.community))
    assert 'data-count="open_problems"' not in staff
    assert reverse("notifications") not in _links(staff)


def test_an_administrator_of_three_organizations_has_one_card_counting_over_all_of_them(city, make_user, page):
    organizations = [OrganizationFactory(region=city.district) for _ in range(3)]
    admin = make_user("org_admin", organization=organizations[0])
    for organization in organizations[1:]:
        membership_add(user=admin, role=Role.ORG_ADMIN, organization=organization)
    need = NeedFactory(community=city.community, status="published", bid_deadline=timezone.now() + dt.timedelta(days=5))
    for organization in organizations[:2]:
        ProposalFactory(need=need, organization=organization, status="submitted")

    html = page(admin)
    assert html.count('aria-labelledby="role-') == 1
    assert html.count('<h2 id="role-') == 1
    assert _links(html).count(reverse("bidding:my-bids")) == 1
    bids = f'<li data-count="bids"><a href="{reverse("bidding:my-bids")}"><strong class="count">2</strong>'
    assert bids in html  # the bids of all three organizations
    open_needs = '<li data-count="open_needs"><a href="{}"><strong class="count">1</strong>'
    assert open_needs.format(reverse("bidding:need-list")) in html  # one need, counted once
    for organization in organizations:
        assert organization.name in html
