"""The certified social-enterprise badge on bids: proposal API, the proposal and review pages the
community and panel see after the deadline, and the public ranking. Withdrawn with the certificate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bidding.jobs import close_deadlines
from apps.bidding.models import Need, PanelReviewer
from apps.certification.models import Application, Certificate
from tests.bidding import conftest as bidding
from tests.bidding.conftest import pass_deadline
from tests.certification.conftest import application_in

BADGE = "se-badge"
# The bidding journey's fixtures, reused here.
world, make_need, make_bid = bidding.world, bidding.make_need, bidding.make_bid


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def _certify(org, user, no="SE202600042") -> Certificate:
    today = timezone.localdate()
    application = application_in(Application.Status.CERTIFIED, organization=org, created_by=user)
    return Certificate.objects.create(
        organization=org,
        application=application,
        certificate_no=no,
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=1000),
        status_changed_on=today - dt.timedelta(days=30),
    )


def _withdraw(certificate, how):
    today = timezone.localdate()
    if how == "expired":
        Certificate.objects.filter(pk=certificate.pk).update(status="expired", valid_until=today - dt.timedelta(days=1))
    else:
        Certificate.objects.filter(pk=certificate.pk).update(status=how, status_changed_on=today)


@pytest.fixture
def bids(world, make_need, make_bid):
    """A need past its deadline and closed, with a bid from a certified enterprise (a) and one from b."""
    need = make_need()
    bid_a, bid_b = make_bid(need, world.a), make_bid(need, world.b, amount="90000.00")
    certificate = _certify(world.a.org, world.a.admin)
    PanelReviewer.objects.create(need=need, reviewer=world.reviewers[0])
    pass_deadline(need)
    close_deadlines()
    return need, bid_a, bid_b, certificate


def _certified_flags(api, world, need):
    response = api.as_user(world.staff).get(f"/api/v1/needs/{need.pk}/proposals/")
    assert response.status_code == 200
    return {row["organization"]: row["organization_certified"] for row in response.json()["results"]}


@pytest.mark.parametrize("how", ["revoked", "suspended", "expired"])
def test_proposal_api_flags_the_certified_bidder_until_the_certificate_is_withdrawn(api, world, bids, how):
    need, bid_a, _bid_b, certificate = bids
    assert _certified_flags(api, world, need) == {world.a.org.pk: True, world.b.org.pk: False}
    detail = api.as_user(world.staff).get(f"/api/v1/proposals/{bid_a.pk}/").json()
    assert detail["organization_certified"] is True
    _withdraw(certificate, how)
    assert _certified_flags(api, world, need) == {world.a.org.pk: False, world.b.org.pk: False}


def test_proposal_list_reads_certificates_once_however_many_bids(api, world, bids):
    need = bids[0]
    client = api.as_user(world.staff)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/needs/{need.pk}/proposals/")
    certificate_reads = [q for q in queries.captured_queries if "certification_certificate" in q["sql"]]
    assert len(certificate_reads) == 1


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _badge_next_to(html, name):
    """True if the badge link directly follows the organization's name."""
    assert name in html
    return re.search(re.escape(name) + r'\s*<a class="status certified se-badge"', html) is not None


def test_community_and_panel_pages_show_the_badge_until_revoked(world, bids):
    need, bid_a, bid_b, certificate = bids
    staff = _signed_in(world.staff)
    assert _badge_next_to(staff.get(f"/proposals/{bid_a.pk}/").content.decode(), world.a.org.name)
    assert not _badge_next_to(staff.get(f"/proposals/{bid_b.pk}/").content.decode(), world.b.org.name)
    reviewer = _signed_in(world.reviewers[0])
    reviewer.post(f"/reviews/{need.pk}/", {"note": ""})
    sheet = reviewer.get(f"/reviews/{need.pk}/").content.decode()
    assert _badge_next_to(sheet, world.a.org.name)
    assert not _badge_next_to(sheet, world.b.org.name)
    _withdraw(certificate, "revoked")
    assert BADGE not in staff.get(f"/proposals/{bid_a.pk}/").content.decode()
    assert BADGE not in reviewer.get(f"/reviews/{need.pk}/").content.decode()


def test_public_ranking_shows_the_badge_until_expired(world, bids):
    need, bid_a, bid_b, certificate = bids
    ranking = [
        {"rank": 1, "proposal": bid_a.pk, "organization": world.a.org.pk, "organization_name": world.a.org.name,
         "score": "88.00", "total_amount": "80000.00"},
        {"rank": 2, "proposal": bid_b.pk, "organization": world.b.org.pk, "organization_name": world.b.org.name,
         "score": "80.00", "total_amount": "90000.00"},
    ]  # fmt: skip
    Need.objects.filter(pk=need.pk).update(
        status="notice", ranking=ranking, notice_ends_at=timezone.now() + dt.timedelta(days=5)
    )
    page = Client().get(f"/needs/{need.pk}/ranking/").content.decode()
    assert _badge_next_to(page, world.a.org.name)
    assert not _badge_next_to(page, world.b.org.name)
    assert f"/certificates/{certificate.certificate_no}/" in page
    _withdraw(certificate, "expired")
    assert BADGE not in Client().get(f"/needs/{need.pk}/ranking/").content.decode()


def test_bids_export_flags_the_certified_bidder_until_revoked(world, bids):
    need, _bid_a, _bid_b, certificate = bids
    staff = _signed_in(world.staff)

    def flags():
        text = staff.get(f"/needs/{need.pk}/proposals.csv?headers=codes").content.decode("utf-8-sig")
        return {row["organization"]: row["organization_certified"] for row in csv.DictReader(io.StringIO(text))}

    assert flags() == {world.a.org.name: "yes", world.b.org.name: "no"}
    _withdraw(certificate, "revoked")
    assert flags() == {world.a.org.name: "no", world.b.org.name: "no"}


def test_bids_export_speaks_the_request_language_unless_codes_are_asked(world, bids):
    need, _bid_a, _bid_b, _certificate = bids
    staff = _signed_in(world.staff)

    def table(path, **headers):
        text = staff.get(path, **headers).content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    chinese = table(f"/needs/{need.pk}/proposals.csv")
    assert chinese[0][:3] == ["编号", "机构", "认证社会企业"]
    assert {row[2] for row in chinese[1:]} <= {"是", "否"}
    english = table(f"/en/needs/{need.pk}/proposals.csv")
    assert english[0][:3] == ["ID", "organization", "certified social enterprise"]
    assert {row[4] for row in english[1:]} == {"submitted"} or all(row[4] for row in english[1:])
    codes = table(f"/needs/{need.pk}/proposals.csv?headers=codes")
    assert codes[0] == [
        "id", "organization", "organization_certified", "title", "status", "total_amount", "submitted_at", "summary",
    ]  # fmt: skip
    for row in codes[1:]:
        assert row[6].endswith("+08:00")
