"""Every list endpoint answers in a number of queries that does not grow with its rows (no N+1),
and stays under a stated maximum (Zulip's ``assert_database_query_count``).

Each case makes N rows, asks once to warm per-process caches (policy, content types), counts the
queries, makes N more and asks again: the count must be the same, the rows twice as many."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bidding.models import Need
from apps.cooperatives.services import distribution_create, holder_add, share_transfer_create
from apps.core.models import Category
from apps.projects.models import ServiceLogAmendment
from apps.revenue.services import revenue_report_submit
from tests.factories.bidding import NeedFactory, ProposalFactory
from tests.factories.certification import (
    AnnualReportFactory,
    ApplicationFactory,
    CertificateFactory,
    PanelMemberFactory,
)
from tests.factories.cooperatives import CooperativeFactory, CooperativeProfitFactory
from tests.factories.core import ApiTokenFactory, OrganizationFactory, RegionFactory, SocialWorkerFactory
from tests.factories.dispatch import DispatchCategoryFactory, UnitFactory, WorkOrderFactory
from tests.factories.funds import FundFactory, IncomeFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.projects import ProjectFactory, ServiceLogFactory
from tests.factories.revenue import RevenueShareAgreementFactory

pytestmark = pytest.mark.django_db

N = 3


def _rows(response) -> int:
    data = response.json()
    if isinstance(data, dict):
        data = data.get("results", data.get("releases", data))
    return len(data)


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


def assert_list_flat(client, url, add, maximum, django_assert_max_num_queries, *, rows=_rows, cap=None):
    """``add(n)`` makes n more rows that ``url`` lists (at most ``cap``); the count must not grow
    with them."""
    add(N)
    client.get(url)
    first, response = _count(client, url)
    listed = rows(response)
    add(N)
    with django_assert_max_num_queries(maximum):
        second, response = _count(client, url)
    assert listed, f"{url} should list the rows"
    assert rows(response) == min(listed + N, cap or listed + N), "the endpoint should list every new row"
    assert second <= first, f"{url}: {first} queries for {listed} rows, {second} for {listed + N}"


@pytest.fixture
def platform(make_user, api):
    return api.as_user(make_user("platform_staff"))


@pytest.fixture
def check(django_assert_max_num_queries):
    def _check(client, url, add, maximum, **kwargs):
        assert_list_flat(client, url, add, maximum, django_assert_max_num_queries, **kwargs)

    return _check


def _times(n, make):
    for _ in range(n):
        make()


# --------------------------------------------------------------------------- accounts, core


def test_tokens(check, make_user, api):
    user = make_user()
    check(api.as_user(user), "/api/v1/auth/tokens/", lambda n: _times(n, lambda: ApiTokenFactory(user=user)), 6)


def test_categories(check, api):
    def add(n):
        start = Category.objects.count()
        for i in range(start, start + n):
            Category.objects.create(code=f"qc{i}", name=f"类别{i}", name_en=f"Category {i}", sort_order=100 + i)

    check(api, "/api/v1/categories/", add, 3)


def test_regions(check, api, city):
    check(api, "/api/v1/regions/", lambda n: _times(n, lambda: RegionFactory(parent=city.street)), 4)


def test_organizations(check, api, city):
    check(api, "/api/v1/organizations/", lambda n: _times(n, lambda: OrganizationFactory(region=city.district)), 4)


def test_workers(check, platform):
    check(platform, "/api/v1/workers/", lambda n: _times(n, SocialWorkerFactory), 10)


# --------------------------------------------------------------------------- notifications


def test_notifications(check, make_user, api):
    user = make_user()
    check(api.as_user(user), "/api/v1/notifications/", lambda n: _times(n, lambda: NotificationFactory(user=user)), 6)


# --------------------------------------------------------------------------- funds


def test_funds(check, api):
    check(api, "/api/v1/funds/", lambda n: _times(n, FundFactory), 6)


def test_fund_transfers(check, api, city):
    check(
        api,
        f"/api/v1/funds/{city.fund.pk}/transfers/",
        lambda n: _times(n, lambda: IncomeFactory(fund=city.fund)),
        8,
    )


# --------------------------------------------------------------------------- bidding


def test_needs(check, api, city):
    check(api, "/api/v1/needs/", lambda n: _times(n, lambda: NeedFactory(community=city.community)), 8)


def test_need_proposals_after_the_deadline(check, api, city, make_user):
    staff = make_user("community_staff", community=city.community)
    need = NeedFactory(community=city.community, created_by=staff)

    def add(n):
        for _ in range(n):
            ProposalFactory(need=need, organization=OrganizationFactory(region=city.district))
        Need.objects.filter(pk=need.pk).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))

    check(api.as_user(staff), f"/api/v1/needs/{need.pk}/proposals/", add, 14)


# --------------------------------------------------------------------------- projects


def test_projects(check, api, city):
    def add(n):
        for _ in range(n):
            ProjectFactory(proposal__need__community=city.community, proposal__need__fund=city.fund)

    check(api, "/api/v1/projects/", add, 8)


def test_service_logs(check, platform, city):
    project = ProjectFactory(proposal__need__community=city.community)
    check(platform, "/api/v1/service-logs/", lambda n: _times(n, lambda: ServiceLogFactory(project=project)), 10)


def test_service_log_history(check, platform, city, make_user):
    project = ProjectFactory(proposal__need__community=city.community)
    original = ServiceLogFactory(project=project)
    requested_by = make_user()

    def add(n):
        for _ in range(n):
            ServiceLogAmendment.objects.create(
                original=original,
                replacement=ServiceLogFactory(project=project),
                reason="更正",
                requested_by=requested_by,
            )

    check(platform, f"/api/v1/service-logs/{original.pk}/history/", add, 8)


# --------------------------------------------------------------------------- revenue


@pytest.fixture
def fund_manager(make_user, city):
    return make_user("fund_manager", fund=city.fund)


def test_revenue_shares(check, api, city, fund_manager):
    def add(n):
        _times(n, lambda: RevenueShareAgreementFactory(actor=fund_manager, fund=city.fund))

    check(api.as_user(fund_manager), "/api/v1/revenue-shares/", add, 8)


def _reports(agreement, admin):
    months = iter(range(1, 13))

    def add(n):
        year = timezone.localdate().year - 1
        for _ in range(n):
            month = next(months)
            start = dt.date(year, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            revenue_report_submit(
                actor=admin, agreement=agreement, period_start=start, period_end=end, revenue=Decimal("1000.00")
            )

    return add


@pytest.fixture
def long_agreement(city, fund_manager, make_user):
    agreement = RevenueShareAgreementFactory(
        actor=fund_manager, fund=city.fund, start=dt.date(timezone.localdate().year - 1, 1, 1)
    )
    admin = make_user("org_admin", organization=agreement.organization)
    return agreement, admin


def test_revenue_share_reports(check, api, fund_manager, long_agreement):
    agreement, admin = long_agreement
    check(api.as_user(fund_manager), "/api/v1/revenue-share-reports/", _reports(agreement, admin), 10)


def test_revenue_share_agreement_reports(check, api, fund_manager, long_agreement):
    agreement, admin = long_agreement
    url = f"/api/v1/revenue-shares/{agreement.pk}/reports/"
    check(api.as_user(fund_manager), url, _reports(agreement, admin), 10)


# --------------------------------------------------------------------------- cooperatives


@pytest.fixture
def coop_staff(make_user, city):
    return make_user("community_staff", community=city.community)


@pytest.fixture
def coop(coop_staff, city):
    return CooperativeFactory(actor=coop_staff, community=city.community)


def _holders(coop, staff):
    """The community holds 1000 shares (its majority); each resident added holds one."""

    def add(n):
        for _ in range(n):
            number = coop.holders.count() + 1
            holder_add(
                actor=staff,
                cooperative=coop,
                name=f"股东{number}",
                holder_type="community" if number == 1 else "resident",
                shares=1000 if number == 1 else 1,
                certificate_no=f"GQ{number:04d}",
            )

    return add


def test_cooperatives(check, api, city, coop_staff):
    def add(n):
        _times(n, lambda: CooperativeFactory(actor=coop_staff, community=city.community))

    check(api.as_user(coop_staff), "/api/v1/cooperatives/", add, 8)


def test_cooperative_holders(check, api, coop, coop_staff):
    check(api.as_user(coop_staff), f"/api/v1/cooperatives/{coop.pk}/holders/", _holders(coop, coop_staff), 8)


def test_cooperative_share_transfers(check, api, coop, coop_staff):
    _holders(coop, coop_staff)(2)
    first, second = coop.holders.order_by("pk")

    def add(n):
        for _ in range(n):
            share_transfer_create(actor=coop_staff, cooperative=coop, from_holder=first, to_holder=second, shares=1)

    check(api.as_user(coop_staff), f"/api/v1/cooperatives/{coop.pk}/share-transfers/", add, 8)


def test_cooperative_profits(check, api, coop, coop_staff):
    years = iter(range(2015, timezone.localdate().year))

    def add(n):
        for _ in range(n):
            CooperativeProfitFactory(actor=coop_staff, cooperative=coop, fiscal_year=next(years))

    check(api.as_user(coop_staff), f"/api/v1/cooperatives/{coop.pk}/profits/", add, 8)


def test_cooperative_distributions(check, api, coop, coop_staff):
    _holders(coop, coop_staff)(2)
    years = iter(range(2015, timezone.localdate().year))

    def add(n):
        for _ in range(n):
            year = next(years)
            CooperativeProfitFactory(actor=coop_staff, cooperative=coop, fiscal_year=year)
            distribution_create(
                actor=coop_staff,
                cooperative=coop,
                fiscal_year=year,
                distributable_profit=Decimal("1000.00"),
                prior_losses=Decimal("0.00"),
                record_date=dt.date(year + 1, 3, 1),
            )

    check(api.as_user(coop_staff), f"/api/v1/cooperatives/{coop.pk}/distributions/", add, 10)


# --------------------------------------------------------------------------- certification


def test_certifications(check, platform, city):
    def add(n):
        _times(n, lambda: ApplicationFactory(organization__region=city.street, status="submitted"))

    check(platform, "/api/v1/certifications/", add, 10)


def test_certification_assignments(check, make_user, api, city):
    reviewer = make_user("reviewer")

    def add(n):
        _times(n, lambda: PanelMemberFactory(reviewer=reviewer, application__organization__region=city.street))

    check(api.as_user(reviewer), "/api/v1/certifications/assignments/", add, 6)


def test_certification_annual_reports(check, make_user, api, city):
    certificate = CertificateFactory(application__organization__region=city.street)
    admin = make_user("org_admin", organization=certificate.organization)
    url = f"/api/v1/certifications/{certificate.application_id}/annual-reports/"
    check(api.as_user(admin), url, lambda n: _times(n, lambda: AnnualReportFactory(certificate=certificate)), 10)


def test_social_enterprise_registry(check, api, city):
    check(
        api,
        "/api/v1/social-enterprises/",
        lambda n: _times(n, lambda: CertificateFactory(application__organization__region=city.street)),
        4,
    )


# --------------------------------------------------------------------------- dispatch


def test_dispatch_categories(check, api):
    check(api, "/api/v1/dispatch/categories/", lambda n: _times(n, DispatchCategoryFactory), 3)


def test_units(check, api, city):
    check(api, "/api/v1/units/", lambda n: _times(n, lambda: UnitFactory(region=city.street)), 3)


def test_work_orders(check, platform, city):
    def add(n):
        _times(n, lambda: WorkOrderFactory(community=city.community, grid=city.grid))

    check(platform, "/api/v1/work-orders/", add, 10)


def test_work_orders_in_public(check, api, city):
    def add(n):
        _times(n, lambda: WorkOrderFactory(community=city.community, grid=city.grid))

    check(api, "/api/v1/work-orders/", add, 6)


def test_work_order_duplicates(check, make_user, api, city):
    staff = make_user("community_staff", community=city.community)
    category = DispatchCategoryFactory()

    def add(n):
        _times(n, lambda: WorkOrderFactory(community=city.community, grid=city.grid, category=category))

    url = f"/api/v1/work-orders/duplicates/?grid={city.grid.code}&category={category.code}"
    check(api.as_user(staff), url, add, 8, cap=5)  # the five most likely duplicates


# --------------------------------------------------------------------------- open data


def test_ocds_packages(check, api, city):
    def add(n):
        for _ in range(n):
            ProjectFactory(
                proposal__need__community=city.community,
                proposal__need__fund=city.fund,
                proposal__need__published_at=timezone.now() - dt.timedelta(days=80),
            )

    def needs(response) -> int:
        return len({release["ocid"] for release in response.json()["releases"]})

    check(api, "/api/v1/ocds/packages/", add, 12, rows=needs)


def test_ocds_release_of_one_need(check, api, city):
    project = ProjectFactory(
        proposal__need__community=city.community,
        proposal__need__fund=city.fund,
        proposal__need__published_at=timezone.now() - dt.timedelta(days=80),
    )
    need = project.proposal.need
    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.AWARDED, awarded_proposal=project.proposal, awarded_at=timezone.now()
    )

    def add(n):
        for _ in range(n):
            ProposalFactory(need=need, status="not_awarded")

    def tenderers(response) -> int:
        (award,) = [r for r in response.json()["releases"] if "award" in r["tag"]]
        return len(award["tender"]["tenderers"])

    check(api, f"/api/v1/ocds/releases/?need={need.pk}", add, 12, rows=tenderers)
