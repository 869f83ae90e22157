"""Every list page renders in a number of queries that does not grow with its rows (no N+1),
and stays under a stated maximum. As tests/api/test_query_counts.py, for the pages: each case
makes N rows marked ``QC行``, renders once to warm caches, counts, makes N more and renders again;
the count must be the same and the marked rows twice as many."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import membership_add
from apps.projects.models import ServiceLog
from tests.factories.bidding import NeedFactory, PanelReviewerFactory, ProposalFactory
from tests.factories.certification import ApplicationFactory, CertificateFactory
from tests.factories.cooperatives import CooperativeFactory
from tests.factories.core import OrganizationFactory, SocialWorkerFactory
from tests.factories.dispatch import UnitFactory, WorkOrderFactory
from tests.factories.funds import FundFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.projects import ProjectFactory, ServiceLogFactory
from tests.factories.revenue import RevenueShareAgreementFactory

pytestmark = pytest.mark.django_db

N = 3
MARK = "QC行"


def _render(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries), response.content.decode()


@pytest.fixture(autouse=True)
def _no_mfa_step(settings):
    settings.SANSHE_ENFORCE_MFA = False  # the second factor is not what these count


@pytest.fixture
def check(django_assert_max_num_queries):
    def _check(client, url, add, maximum, *, mark=MARK):
        add(N)
        client.get(url)
        first, body = _render(client, url)
        shown = body.count(mark)
        assert shown, f"{url} should show the rows"
        add(N)
        with django_assert_max_num_queries(maximum):
            second, body = _render(client, url)
        assert body.count(mark) == 2 * shown, "the page should show every new row"
        assert second <= first, f"{url}: {first} queries for {N} rows, {second} for {2 * N}"

    return _check


def signed_in(client, user):
    client.force_login(user)
    return client


def _times(n, make):
    for _ in range(n):
        make()


_serial = itertools.count(1)


def _named() -> str:
    """A unique name carrying the mark."""
    return f"{MARK}{next(_serial)}"


# --------------------------------------------------------------------------- public pages


def test_needs(check, client, city):
    check(client, "/needs/", lambda n: _times(n, lambda: NeedFactory(community=city.community, title=MARK)), 20)


def test_funds(check, client):
    check(client, "/funds/", lambda n: _times(n, lambda: FundFactory(name=_named())), 20)


def test_social_enterprise_registry(check, client, city):
    def add(n):
        _times(
            n,
            lambda: CertificateFactory(
                application__organization__region=city.street, application__organization__name=_named()
            ),
        )

    check(client, "/social-enterprises/", add, 20)


# --------------------------------------------------------------------------- bidding


def test_my_needs(check, client, city, make_user):
    staff = make_user("community_staff", community=city.community)

    def add(n):
        _times(n, lambda: NeedFactory(draft=True, community=city.community, created_by=staff, title=MARK))

    check(signed_in(client, staff), "/needs/mine/", add, 25)


def test_panels(check, client, city, make_user):
    def add(n):
        _times(n, lambda: NeedFactory(community=city.community, status="evaluating", title=MARK))

    check(signed_in(client, make_user("platform_staff")), "/needs/panels/", add, 25)


def test_my_bids(check, client, city, organization, make_user):
    admin = make_user("org_admin", organization=organization)

    def add(n):
        _times(n, lambda: ProposalFactory(need__community=city.community, need__title=MARK, organization=organization))

    check(signed_in(client, admin), "/bids/", add, 25)


def test_reviews(check, client, city, make_user):
    reviewer = make_user("reviewer")

    def add(n):
        _times(n, lambda: PanelReviewerFactory(reviewer=reviewer, need__community=city.community, need__title=MARK))

    check(signed_in(client, reviewer), "/reviews/", add, 25)


# --------------------------------------------------------------------------- certification


def test_my_certification_applications(check, client, city, make_user):
    admin = make_user()

    def add(n):
        for _ in range(n):  # one live application per enterprise; the admin administers each
            enterprise = OrganizationFactory(enterprise=True, region=city.street, name=_named())
            membership_add(user=admin, role="org_admin", organization=enterprise)
            ApplicationFactory(organization=enterprise, created_by=admin)

    check(signed_in(client, admin), "/certifications/", add, 25)


def test_certification_queue(check, client, city, make_user):
    def add(n):
        _times(
            n,
            lambda: ApplicationFactory(
                status="submitted", organization__region=city.street, organization__name=_named()
            ),
        )

    check(signed_in(client, make_user("platform_staff")), "/certifications/queue/", add, 25)


# --------------------------------------------------------------------------- cooperatives, revenue


def test_cooperatives(check, client, city, make_user):
    staff = make_user("community_staff", community=city.community)

    def add(n):
        _times(n, lambda: CooperativeFactory(actor=staff, community=city.community, name=_named()))

    check(signed_in(client, staff), "/cooperatives/", add, 20)


def test_revenue_shares(check, client, city, make_user):
    manager = make_user("fund_manager", fund=city.fund)

    def add(n):
        _times(n, lambda: RevenueShareAgreementFactory(actor=manager, fund=city.fund, organization__name=_named()))

    check(signed_in(client, manager), "/revenue-shares/", add, 20)


# --------------------------------------------------------------------------- service hours


@pytest.fixture
def team(city, organization, worker_factory):
    worker = worker_factory(organization=organization)
    project = ProjectFactory(proposal__need__community=city.community, proposal__organization=organization)
    project.team.create(worker=worker, role="社工", start_date=project.start_date)
    return project, worker


def _logs(project, worker, status):
    def add(n):
        _times(n, lambda: ServiceLogFactory(project=project, worker=worker, place=MARK, content=MARK, status=status))

    return add


def test_my_hours(check, client, team):
    project, worker = team
    logs = _logs(project, worker, ServiceLog.Status.SUBMITTED)
    check(signed_in(client, worker.user), "/hours/", logs, 25, mark='class="status submitted"')


def test_hours_to_approve(check, client, team, organization, make_user):
    project, worker = team
    admin = make_user("org_admin", organization=organization)
    check(signed_in(client, admin), "/hours/approve/", _logs(project, worker, ServiceLog.Status.SUBMITTED), 25)


def test_hours_to_confirm(check, client, team, city, make_user):
    project, worker = team
    staff = make_user("community_staff", community=city.community)
    check(signed_in(client, staff), "/hours/confirm/", _logs(project, worker, ServiceLog.Status.APPROVED), 25)


# --------------------------------------------------------------------------- dispatch


def test_dispatch_console(check, client, city, make_user):
    staff = make_user("community_staff", community=city.community)

    def add(n):
        _times(n, lambda: WorkOrderFactory(community=city.community, grid=city.grid, description=MARK))

    check(signed_in(client, staff), "/dispatch/", add, 25)


def test_unit_inbox(check, client, city, make_user):
    unit = UnitFactory(region=city.street)
    staff = make_user("unit_staff", unit=unit)

    def add(n):
        _times(
            n,
            lambda: WorkOrderFactory(
                community=city.community, grid=city.grid, status="dispatched", lead_unit=unit, description=MARK
            ),
        )

    check(signed_in(client, staff), "/work-orders/inbox/", add, 25)


# --------------------------------------------------------------------------- notifications, verification


def test_notifications(check, client, make_user):
    user = make_user()
    check(
        signed_in(client, user),
        "/notifications/",
        lambda n: _times(n, lambda: NotificationFactory(user=user, title=MARK)),
        20,
    )


def test_organizations_to_verify(check, client, city, make_user):
    def add(n):
        _times(n, lambda: OrganizationFactory(region=city.district, status="pending", name=_named()))

    check(signed_in(client, make_user("platform_staff")), "/verification/organizations/", add, 20)


def test_workers_to_verify(check, client, make_user):
    check(
        signed_in(client, make_user("platform_staff")),
        "/verification/workers/",
        lambda n: _times(n, lambda: SocialWorkerFactory(verified=False, name=_named())),
        20,
    )
