"""Sealed means sealed (issue 18): before the deadline nobody but platform staff learns how many
bids a need has, a recusal reason does not name what it is about, and at the deadline the bids
open by the clock for the panel too, whether or not ``bidding_close_deadlines`` has run yet."""

import pytest
from django.test import Client

from apps.accounts.services import membership_add
from apps.bidding.models import Need
from tests.bidding.conftest import pass_deadline

pytestmark = pytest.mark.django_db

ALL_80 = {"need_fit": 80, "approach": 80, "team": 80, "budget": 80, "track_record": 80}
NEUTRAL_EN = "Recused for a conflict of interest"


@pytest.fixture
def two_bids(world, make_need, make_bid, settings):
    settings.SANSHE_ENFORCE_MFA = False
    need = make_need()
    make_bid(need, world.a)
    make_bid(need, world.b)
    return need


def _counts(client, need):
    listed = client.get("/api/v1/needs/", {"page_size": 100})
    assert listed.status_code == 200
    row = next(n for n in listed.json()["results"] if n["id"] == need.pk)
    detail = client.get(f"/api/v1/needs/{need.pk}/")
    assert detail.status_code == 200
    return row["proposals_count"], detail.json()["proposals_count"]


def test_bid_count_is_null_before_the_deadline_for_everyone_but_platform_staff(api, world, two_bids):
    need = two_bids
    for user in (None, world.outsider, world.staff, world.a.admin, world.b.member, world.reviewers[0]):
        client = api.as_user(user) if user else api
        assert _counts(client, need) == (None, None), user
    assert _counts(api.as_user(world.platform), need) == (2, 2)


def test_bid_count_is_public_once_the_clock_passes_the_deadline(api, world, two_bids):
    need = pass_deadline(two_bids)
    assert Need.objects.get(pk=need.pk).status == "published"  # the closing job has not run
    assert _counts(api, need) == (2, 2)
    assert _counts(api.as_user(world.outsider), need) == (2, 2)


def test_pages_show_no_bid_count_before_the_deadline(world, two_bids):
    need = two_bids
    staff = Client()
    staff.force_login(world.staff)
    anonymous = Client()
    pages = {
        "detail": (anonymous, f"/en/needs/{need.pk}/"),
        "list": (anonymous, "/en/needs/"),
        "staff detail": (staff, f"/en/needs/{need.pk}/"),
        "mine": (staff, "/en/needs/mine/"),
    }
    for name, (client, url) in pages.items():
        html = client.get(url).content.decode()
        assert need.title in html, name
        assert "Bids received" not in html and "2 bids" not in html and ">2</td>" not in html, name
    pass_deadline(need)
    assert "2 bids" in anonymous.get("/en/needs/").content.decode()
    assert "Bids received" in anonymous.get(f"/en/needs/{need.pk}/").content.decode()
    assert ">2</td>" in staff.get("/en/needs/mine/").content.decode()


@pytest.fixture
def tied_reviewer(api, world, two_bids):
    """A reviewer who is a member of bidder B, on the panel, declaring before the deadline."""
    need = two_bids
    reviewer = world.reviewers[0]
    membership_add(user=reviewer, role="org_member", organization=world.b.org)
    api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json")
    return need, reviewer


def test_recusal_reason_is_neutral_before_the_deadline(api, world, tied_reviewer):
    need, reviewer = tied_reviewer
    response = api.as_user(reviewer).post(
        f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 201
    assert response.json()["recused"] is True
    assert "bidding organization" not in response.json()["recused_reason"]
    assert response.json()["recused_reason"].startswith(NEUTRAL_EN)
    web = Client()
    web.force_login(reviewer)
    sheet = web.get(f"/en/reviews/{need.pk}/").content.decode()
    assert "bidding organization" not in sheet and NEUTRAL_EN in sheet
    # Platform staff, who assign the panel, see the reason.
    panel = api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [reviewer.pk]}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "bidding organization" in panel.json()[0]["recused_reason"]


def test_recusal_reason_is_shown_after_the_deadline(api, tied_reviewer):
    need, reviewer = tied_reviewer
    api.as_user(reviewer).post(
        f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    pass_deadline(need)
    web = Client()
    web.force_login(reviewer)
    sheet = web.get(f"/en/reviews/{need.pk}/").content.decode()
    assert "bidding organization" in sheet and NEUTRAL_EN not in sheet


def test_panel_sees_and_scores_by_the_clock_before_the_closing_job(api, world, two_bids, make_bid):
    need = two_bids
    ok, late_tie = world.reviewers[:2]
    api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [ok.pk, late_tie.pk]}, format="json"
    )
    for reviewer in (ok, late_tie):
        declared = api.as_user(reviewer).post(
            f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json"
        )
        assert declared.json()["recused"] is False
    # Joins bidder B after declaring: the deadline's recusal covers them even before the job runs.
    membership_add(user=late_tie, role="org_member", organization=world.b.org)
    bid = need.proposals.get(organization=world.a.org)
    pass_deadline(need)
    assert Need.objects.get(pk=need.pk).status == "published"
    tied = api.as_user(late_tie)
    assert tied.get(f"/api/v1/proposals/{bid.pk}/").status_code == 404
    own_only = {p["organization"] for p in tied.get(f"/api/v1/needs/{need.pk}/proposals/").json()["results"]}
    assert own_only == {world.b.org.pk}

    reviewer = api.as_user(ok)
    assert reviewer.get(f"/api/v1/proposals/{bid.pk}/").status_code == 200
    listed = reviewer.get(f"/api/v1/needs/{need.pk}/proposals/").json()["results"]
    assert {p["id"] for p in listed} == set(need.proposals.values_list("pk", flat=True))
    web = Client()
    web.force_login(ok)
    sheet = web.get(f"/en/reviews/{need.pk}/").content.decode()
    assert "Save score" in sheet
    scored = reviewer.post(f"/api/v1/proposals/{bid.pk}/scores/", {"scores": ALL_80, "comment": "ok"}, format="json")
    assert scored.status_code == 201, scored.content
    assert scored.json()["weighted_total"] == "80.00"
    assert Need.objects.get(pk=need.pk).status == "evaluating"  # scoring closed bidding
    assert tied.get(f"/api/v1/proposals/{bid.pk}/").status_code == 404
