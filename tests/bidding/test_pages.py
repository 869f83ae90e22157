"""The pages of Journey 1, walked with the Django test client (Chinese-first, English under /en/)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.bidding.jobs import close_deadlines
from apps.bidding.models import Need, PanelReviewer, Proposal, ProposalScore
from apps.core.models import Category
from tests.bidding.conftest import pass_deadline, proposal_payload
from tests.factories.bidding import bid_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_public_list_filters_and_hides_drafts(world, make_need):
    shown = make_need(title="助浴上门服务")
    make_need(title="草稿需求", status="draft")
    page = Client().get("/needs/?q=助浴")
    html = page.content.decode()
    assert page.status_code == 200
    assert shown.title in html and "草稿需求" not in html
    assert "社区需求" in html
    assert "Community needs" in Client().get("/en/needs/").content.decode()
    assert Client().get("/needs/?budget_min=abc").status_code == 200
    # The region filter lists the regions and keeps the chosen one selected.
    district = world.city.district
    html = Client().get(f"/needs/?region={district.code}").content.decode()
    assert f'<option value="{district.code}" selected>{district.name}</option>' in html
    assert f'<option value="{world.city.community.code}">{world.city.community.name}</option>' in html
    # Categories are chosen from a list in the page's language, not typed as codes.
    children = make_need(title="四点半课堂", category=Category.objects.get(code="children_youth"))
    html = Client().get("/needs/?category=elderly").content.decode()
    assert '<option value="elderly" selected>为老服务</option>' in html
    assert shown.title in html and children.title not in html
    assert '<option value="elderly">Elderly care</option>' in Client().get("/en/needs/").content.decode()


def test_staff_drafts_edits_and_publishes_through_pages(world):
    client = signed_in(world.staff)
    editor = client.get("/needs/new/")
    assert editor.status_code == 200
    html = editor.content.decode()  # every label in Chinese (category and fund were in English)
    assert ">类别:</label>" in html and ">社区基金:</label>" in html
    assert "Category:" not in html and "Fund:" not in html
    english = client.get("/en/needs/new/").content.decode()  # categories by their English names
    assert ">Elderly care</option>" in english and ">为老服务</option>" not in english
    today = timezone.localdate()
    form = {
        "title": "社区助餐点运营",
        "description": "为60岁以上老人提供午餐。",
        "category": world.city.fund.community.needs.model._meta.get_field("category")
        .related_model.objects.get(code="elderly")
        .pk,
        "beneficiaries": 80,
        "beneficiary_group": "老年人",
        "budget_min": "20000.00",
        "budget_max": "40000.00",
        "service_start": str(today + dt.timedelta(days=30)),
        "service_end": str(today + dt.timedelta(days=200)),
        "min_worker_level": "assistant",
        "workers_needed": 1,
        "bid_deadline": (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "fund": world.city.fund.pk,
    }
    # A malformed community id is no choice (the staff's own community), not a server error.
    response = client.post("/needs/new/", {**form, "community": "abc"})
    assert response.status_code == 302
    need = Need.objects.get(title="社区助餐点运营")
    assert need.status == "draft" and need.community == world.city.community
    assert client.post(f"/needs/{need.pk}/edit/", {**form, "title": "社区助餐点运营（修订）"}).status_code == 302
    confirm = client.get(f"/needs/{need.pk}/publish/")
    assert confirm.status_code == 200 and "确认" in confirm.content.decode()
    client.post(f"/needs/{need.pk}/publish/")
    need.refresh_from_db()
    assert need.status == "published" and need.title.endswith("（修订）")
    assert "社区助餐点运营" in client.get("/needs/mine/").content.decode()


def test_other_users_cannot_open_the_need_form(world, make_need):
    need = make_need(status="draft")
    assert signed_in(world.a.admin).get("/needs/new/").status_code == 404
    assert signed_in(world.other_staff).get(f"/needs/{need.pk}/edit/").status_code == 404


def test_org_bids_through_the_form_and_sees_it_in_my_bids(world, make_need):
    need = make_need()
    client = signed_in(world.a.member)
    form = client.get(f"/needs/{need.pk}/bid/")
    assert form.status_code == 200 and world.a.workers[0].name in form.content.decode()
    response = client.post(
        f"/needs/{need.pk}/bid/",
        bid_form_data(
            proposal_payload(
                need,
                world.a,
                title="暖心助老计划",
                budget_lines=[{"item": "人员", "amount": "60000"}, {"item": "物料", "amount": "10000.50"}],
            )
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get(title="暖心助老计划")
    assert str(proposal.total_amount) == "70000.50"
    assert "暖心助老计划" in client.get("/bids/").content.decode()
    refused = client.post(f"/needs/{need.pk}/bid/", bid_form_data(proposal_payload(need, world.a, title="第二份")))
    assert refused.status_code == 200
    assert "已对此需求提交了有效投标" in refused.content.decode()
    assert Proposal.objects.filter(need=need, organization=world.a.org).count() == 1
    # With its bid in, the need's page no longer offers a new bid, and says where the bid is.
    detail = client.get(f"/needs/{need.pk}/").content.decode()
    assert f'href="/needs/{need.pk}/bid/"' not in detail and "暖心助老计划" in detail
    assert "已有一份投标" in detail
    assert client.get(f"/needs/{need.pk}/bid/?organization=abc").status_code == 200  # not a 500
    # A member of another organization is still offered the form.
    other = signed_in(world.b.member).get(f"/needs/{need.pk}/").content.decode()
    assert f'href="/needs/{need.pk}/bid/"' in other and "暖心助老计划" not in other


def test_reviewer_declares_then_scores_on_the_sheet_and_ranking_is_public_after_award(world, make_need, make_bid):
    need = make_need()
    bid = make_bid(need, world.a)
    reviewer = world.reviewers[0]
    PanelReviewer.objects.create(need=need, reviewer=reviewer)
    pass_deadline(need)
    close_deadlines()
    client = signed_in(reviewer)
    sheet = client.get(f"/reviews/{need.pk}/")
    assert "利益冲突" in sheet.content.decode() and bid.title not in sheet.content.decode()
    client.post(f"/reviews/{need.pk}/", {"note": ""})
    sheet = client.get(f"/reviews/{need.pk}/")
    assert bid.title in sheet.content.decode()
    scores = {"need_fit": 90, "approach": 80, "team": 70, "budget": 60, "track_record": 50}
    client.post(f"/reviews/{need.pk}/", {"proposal": bid.pk, **scores})
    assert ProposalScore.objects.get(proposal=bid, reviewer=reviewer).weighted_total > 0
    assert need.title in client.get("/reviews/").content.decode()
    staff = signed_in(world.staff)
    assert staff.get(f"/needs/{need.pk}/award/").status_code == 200
    staff.post(f"/needs/{need.pk}/award/")
    need.refresh_from_db()
    assert need.status == "notice"
    ranking = Client().get(f"/needs/{need.pk}/ranking/").content.decode()
    assert world.a.org.name in ranking and "¥80,000.00" in ranking


def test_bid_count_after_the_deadline_reads_as_a_meta_line_not_a_big_figure(world, make_need):
    make_need("evaluating", bid_deadline=timezone.now() - dt.timedelta(days=1))
    html = Client().get("/needs/").content.decode()
    assert '<p class="meta-count">0 份投标</p>' in html
    assert 'class="count"' not in html
