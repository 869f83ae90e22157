"""Journey 1 through the API: draft → publish → bids → panel → scores → award → objection →
re-award → notice ends → project, with ``run_scheduled`` doing the timed steps."""

import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from apps.bidding.jobs import remind_drafts
from apps.bidding.models import Need
from apps.core.demo import DemoContext, demo_plan
from apps.funds.services import fund_income_record
from apps.notifications.models import Notification
from apps.projects.models import Project
from tests.bidding.conftest import proposal_payload
from tests.bidding.test_needs_api import need_body

pytestmark = pytest.mark.django_db

SCORES = {"need_fit": 0, "approach": 0, "team": 0, "budget": 0, "track_record": 0}


def test_need_to_project_through_the_api(api, world):
    staff, platform = api.as_user(world.staff), api.as_user(world.platform)
    created = staff.post("/api/v1/needs/", need_body(world.city, min_worker_level="intermediate"), format="json")
    assert created.status_code == 201, created.json()
    nid = created.json()["id"]
    assert staff.post(f"/api/v1/needs/{nid}/publish/").json()["status"] == "published"
    need = Need.objects.get(pk=nid)
    # the paying fund holds the money the award will reserve
    fund_income_record(fund=world.city.fund, amount_fen=60000_00, source="bank", idempotency_key="journey-grant")

    bids = {}
    for bidder, amount in ((world.a, "50000.00"), (world.b, "45000.00")):
        response = api.as_user(bidder.admin).post(
            f"/api/v1/needs/{nid}/proposals/", proposal_payload(need, bidder, amount=amount), format="json"
        )
        assert response.status_code == 201, response.json()
        bids[bidder.org.pk] = response.json()["id"]
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    upload = api.as_user(world.a.admin).post(f"/api/v1/proposals/{bids[world.a.org.pk]}/attachments/", {"file": pdf})
    assert upload.status_code == 201, upload.json()
    fake = SimpleUploadedFile("plan.pdf", b"MZ not a pdf at all", "application/pdf")
    refused = api.as_user(world.a.admin).post(f"/api/v1/proposals/{bids[world.a.org.pk]}/attachments/", {"file": fake})
    assert refused.status_code == 400 and "file" in refused.json()
    assert api.as_user(world.staff).get(upload.json()["url"]).status_code == 404  # sealed until the deadline

    panel = world.reviewers[:3]
    assert (
        platform.post(f"/api/v1/needs/{nid}/panel/", {"reviewers": [r.pk for r in panel]}, format="json").status_code
        == 200
    )

    Need.objects.filter(pk=nid).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    call_command("run_scheduled")
    assert Need.objects.get(pk=nid).status == "evaluating"
    assert api.as_user(world.staff).get(upload.json()["url"]).status_code == 200

    for reviewer in panel:
        client = api.as_user(reviewer)
        assert client.get(f"/api/v1/proposals/{bids[world.a.org.pk]}/").status_code == 404  # declare first
        assert client.post(f"/api/v1/needs/{nid}/declarations/", {"conflict": False}, format="json").status_code == 201
        for org_pk, pid in bids.items():
            value = 90 if org_pk == world.a.org.pk else 75
            response = client.post(
                f"/api/v1/proposals/{pid}/scores/", {"scores": dict.fromkeys(SCORES, value)}, format="json"
            )
            assert response.status_code == 201

    award = staff.post(f"/api/v1/needs/{nid}/award/")
    assert award.status_code == 200, award.json()
    assert award.json()["awarded_proposal"] == bids[world.a.org.pk]
    assert api.get(f"/api/v1/needs/{nid}/").json()["ranking"][0]["organization"] == world.a.org.pk

    objection = api.as_user(world.b.admin).post(f"/api/v1/needs/{nid}/objections/", {"text": "资质存疑"}, format="json")
    assert objection.status_code == 201
    resolved = platform.post(
        f"/api/v1/needs/{nid}/objections/{objection.json()['id']}/resolve/",
        {"upheld": True, "decision": "经核实，中标团队社工登记已过期，异议成立。"},
        format="json",
    )
    assert resolved.status_code == 200
    assert api.get(f"/api/v1/needs/{nid}/").json()["status"] == "evaluating"
    again = platform.post(f"/api/v1/needs/{nid}/award/")
    assert again.json()["awarded_proposal"] == bids[world.b.org.pk]

    Need.objects.filter(pk=nid).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("run_scheduled")
    assert api.get(f"/api/v1/needs/{nid}/").json()["status"] == "awarded"
    project = Project.objects.get(need_id=nid)
    assert project.organization_id == world.b.org.pk
    assert project.amount == need.proposals.get(pk=bids[world.b.org.pk]).total_amount


def test_draft_reminder_goes_once_to_orgs_with_a_draft_a_day_before(world, make_need, api):

    need = make_need(bid_deadline=timezone.now() + dt.timedelta(hours=20))
    api.as_user(world.a.admin).post(
        f"/api/v1/needs/{need.pk}/proposals/", {**proposal_payload(need, world.a), "draft": True}, format="json"
    )
    api.as_user(world.b.admin).post(
        f"/api/v1/needs/{need.pk}/proposals/", proposal_payload(need, world.b), format="json"
    )
    assert remind_drafts() == 1
    assert remind_drafts() == 0
    reminded = set(Notification.objects.filter(kind="bidding.draft_deadline").values_list("user_id", flat=True))
    assert reminded == {world.a.admin.pk, world.a.member.pk}


@pytest.mark.slow
def test_demo_seeds_needs_in_every_status_and_a_project(db):
    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    for step in demo_plan("small", upto=("bidding",)):
        step.func(ctx)
    statuses = {n.status for n in Need.objects.all()}
    assert statuses == {s.value for s in Need.Status}
    assert ctx.data["projects"] and Project.objects.filter(need__in=ctx.data["needs"]).exists()
