"""Platform staff's verification queues as pages: organizations and social workers pending
verification, each with the facts a verifier checks, verify and reject-with-reason after a
confirmation step, and an empty state. Nobody else may open them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import Notification
from apps.organizations.models import Organization
from apps.workers.models import SocialWorker
from apps.workers.services import worker_profile_save
from tests.factories.core import OrganizationFactory

pytestmark = pytest.mark.django_db

ORG_QUEUE = "/verification/organizations/"
WORKER_QUEUE = "/verification/workers/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


@pytest.fixture
def staff(make_user):
    client = Client()
    client.force_login(make_user("platform_staff"))
    return client


@pytest.fixture
def pending_org(city, make_user):
    org = OrganizationFactory(
        region=city.district, status="pending", name="锦江区彩虹助老服务中心", legal_form="social_group"
    )
    org.admin = make_user("org_admin", organization=org)
    return org


@pytest.fixture
def pending_worker(organization, worker_factory):
    return worker_factory(organization=organization, verified=False, level="senior", certificate_no="SW2021000777")


def test_the_organization_queue_shows_what_a_verifier_checks_and_only_pending_ones(staff, pending_org, organization):
    html = staff.get("/en" + ORG_QUEUE).content.decode()
    assert pending_org.name in html
    assert pending_org.credit_code in html
    assert "social group" in html
    registered = pending_org.registered_on
    assert f"{registered.day} {registered:%b} {registered.year}" in html, "dates read 4 Dec 2026 on en pages"
    assert pending_org.admin.username in html
    assert organization.name not in html, "verified organizations are not in the queue"


def test_verifying_an_organization_from_the_page_puts_it_in_public_lists(
    staff, pending_org, django_capture_on_commit_callbacks
):
    assert Client().get("/api/v1/search/", {"q": "彩虹助老"}).json()["count"] == 0
    confirm = staff.get(f"{ORG_QUEUE}{pending_org.pk}/verify/")
    assert confirm.status_code == 200 and pending_org.credit_code in confirm.content.decode()
    pending_org.refresh_from_db()
    assert pending_org.status == "pending", "opening the confirmation changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(f"{ORG_QUEUE}{pending_org.pk}/verify/")
    assert done.status_code == 302 and done.url == ORG_QUEUE
    pending_org.refresh_from_db()
    assert pending_org.status == "verified" and pending_org.verified_at is not None
    assert f'data-organization="{pending_org.pk}"' not in staff.get(ORG_QUEUE).content.decode()

    listed = Client().get("/api/v1/organizations/?status=verified").json()["results"]
    assert pending_org.pk in [row["id"] for row in listed]
    found = Client().get("/api/v1/search/", {"q": "彩虹助老", "type": "organization"}).json()["results"]
    assert [row["title"] for row in found] == [pending_org.name]


def test_rejecting_an_organization_needs_a_reason_next_to_the_field(staff, pending_org):
    refused = staff.post(f"/en{ORG_QUEUE}{pending_org.pk}/reject/", {"reason": "  "})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Give the reason for rejecting." in html and 'name="reason"' in html
    pending_org.refresh_from_db()
    assert pending_org.status == "pending"

    done = staff.post(f"{ORG_QUEUE}{pending_org.pk}/reject/", {"reason": "信用代码与登记证书不符"})
    assert done.status_code == 302
    pending_org.refresh_from_db()
    assert pending_org.status == "rejected" and pending_org.rejection_reason == "信用代码与登记证书不符"
    assert f'data-organization="{pending_org.pk}"' not in staff.get(ORG_QUEUE).content.decode()
    told = Notification.objects.get(user=pending_org.admin, kind="organization_rejected")
    assert told.body == "信用代码与登记证书不符"
    assert pending_org.pk not in [
        row["id"] for row in Client().get("/api/v1/organizations/?status=verified").json()["results"]
    ]


def test_the_worker_queue_shows_level_certificate_and_employer(staff, pending_worker, organization, worker_factory):
    verified = worker_factory(organization=organization)
    html = staff.get("/en" + WORKER_QUEUE).content.decode()
    assert pending_worker.name in html
    assert "SW2021000777" in html, "the verifier sees the full certificate number"
    assert "senior social worker" in html
    assert organization.name in html
    assert verified.name not in html


def test_verifying_and_rejecting_workers_from_the_page(staff, pending_worker, worker_factory, organization):
    assert staff.get(f"{WORKER_QUEUE}{pending_worker.pk}/verify/").status_code == 200
    assert staff.post(f"{WORKER_QUEUE}{pending_worker.pk}/verify/").status_code == 302
    pending_worker.refresh_from_db()
    assert pending_worker.verified and pending_worker.qualified_since is not None

    other = worker_factory(organization=organization, verified=False)
    refused = staff.post(f"/en{WORKER_QUEUE}{other.pk}/reject/", {"reason": ""})
    assert "Give the reason for rejecting." in refused.content.decode()
    other.refresh_from_db()
    assert other.rejected_at is None

    staff.post(f"{WORKER_QUEUE}{other.pk}/reject/", {"reason": "证书编号查询不到"})
    other.refresh_from_db()
    assert not other.verified and other.rejection_reason == "证书编号查询不到"
    assert f'data-worker="{other.pk}"' not in staff.get(WORKER_QUEUE).content.decode()
    assert Notification.objects.filter(user=other.user, kind="worker_rejected").exists()

    worker_profile_save(
        user=other.user,
        name=other.name,
        level=other.level,
        certificate_no="SW2022000001",
        registered_until=other.registered_until,
    )
    assert f'data-worker="{other.pk}"' in staff.get(WORKER_QUEUE).content.decode(), (
        "a corrected qualification comes back"
    )


def test_nobody_but_platform_staff_opens_or_acts_in_the_queues(
    city, make_user, pending_org, pending_worker, organization
):
    urls = [
        ORG_QUEUE,
        f"{ORG_QUEUE}{pending_org.pk}/verify/",
        f"{ORG_QUEUE}{pending_org.pk}/reject/",
        WORKER_QUEUE,
        f"{WORKER_QUEUE}{pending_worker.pk}/verify/",
        f"{WORKER_QUEUE}{pending_worker.pk}/reject/",
    ]
    for user in (
        pending_org.admin,
        make_user("community_staff", community=city.community),
        make_user("reviewer"),
        pending_worker.user,
    ):
        client = Client()
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"reason": "x"}).status_code == 404
    assert Client().get(ORG_QUEUE).status_code == 302
    pending_org.refresh_from_db()
    pending_worker.refresh_from_db()
    assert pending_org.status == "pending" and not pending_worker.verified and pending_worker.rejected_at is None


def test_empty_queues_say_so(staff):
    assert "No organization is waiting for verification." in staff.get("/en" + ORG_QUEUE).content.decode()
    assert "No social worker is waiting for verification." in staff.get("/en" + WORKER_QUEUE).content.decode()


def test_workspace_counts_link_to_the_queue_pages(make_user, pending_org, pending_worker):
    client = Client()
    client.force_login(make_user("platform_staff"))
    html = client.get("/workspace/").content.decode()
    assert f'href="{ORG_QUEUE}"><strong class="count">1</strong>' in html
    assert f'href="{WORKER_QUEUE}"><strong class="count">1</strong>' in html
    assert "/api/v1/organizations/?status=pending" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_counts_do_not_grow_with_rows(staff, city, make_user, organization, worker_factory):
    def add_rows():
        org = OrganizationFactory(region=city.district, status="pending")
        make_user("org_admin", organization=org)
        worker_factory(organization=organization, verified=False)

    add_rows()
    small = _queries(staff, ORG_QUEUE), _queries(staff, WORKER_QUEUE)
    for _ in range(6):
        add_rows()
    assert Organization.objects.filter(status="pending").count() == 7
    assert SocialWorker.objects.filter(verified=False).count() == 7
    assert (_queries(staff, ORG_QUEUE), _queries(staff, WORKER_QUEUE)) == small
