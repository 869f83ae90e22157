"""A refused form keeps what was typed and says why in the page's language, on the field concerned,
never with a constraint's or a rubric criterion's internal name (#20)."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone, translation

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


def need_form(world, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "title": "社区助餐点运营",
        "description": "为60岁以上老人提供午餐。",
        "category": Category.objects.get(code="elderly").pk,
        "beneficiaries": 80,
        "beneficiary_group": "老年人",
        "budget_min": "40000.00",
        "budget_max": "20000.00",
        "service_start": str(today + dt.timedelta(days=30)),
        "service_end": str(today + dt.timedelta(days=200)),
        "min_worker_level": "assistant",
        "workers_needed": 1,
        "bid_deadline": (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "fund": world.city.fund.pk,
        **overrides,
    }


def test_need_form_with_budget_below_minimum_says_so_on_the_budget_field_and_keeps_the_title(world):
    response = signed_in(world.staff).post("/needs/new/", need_form(world, title="暑期托管需求"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "need_budget_range" not in html and "约束" not in html
    assert "最高预算不得低于最低预算" in html
    assert response.context["form"].errors["budget_max"] == ["最高预算不得低于最低预算。"]
    assert 'value="暑期托管需求"' in html
    assert not Need.objects.filter(title="暑期托管需求").exists()


FORM_APPS = ("bidding", "certification", "cooperatives", "dispatch", "funds", "projects", "revenue")


def test_constraints_a_form_or_the_api_can_hit_read_as_a_chinese_sentence():
    constraints = [
        c for model in apps.get_models() if model._meta.app_label in FORM_APPS for c in model._meta.constraints
    ]
    assert len(constraints) > 40
    with translation.override("zh-hans"):
        for constraint in constraints:
            message = str(constraint.get_violation_error_message())
            assert constraint.name not in message and "约束" not in message, constraint.name
            assert re.search(r"[\u4e00-\u9fff]", message), constraint.name


def _evaluating_sheet(world, make_need, make_bid):
    need = make_need()
    bid = make_bid(need, world.a)
    reviewer = world.reviewers[0]
    PanelReviewer.objects.create(need=need, reviewer=reviewer)
    pass_deadline(need)
    close_deadlines()
    client = signed_in(reviewer)
    client.post(f"/reviews/{need.pk}/", {"note": ""})
    return need, bid, reviewer, client


def test_score_of_150_is_refused_by_the_criterion_label_and_keeps_the_other_scores(world, make_need, make_bid):
    need, bid, reviewer, client = _evaluating_sheet(world, make_need, make_bid)
    scores = {"need_fit": 150, "approach": 81, "team": 72, "budget": 63, "track_record": 54}
    response = client.post(f"/reviews/{need.pk}/", {"proposal": bid.pk, **scores, "comment": "方案扎实"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "需求契合度：须为 0 到 100 的整数" in html
    assert "need_fit：" not in html and "need_fit:" not in html
    for code in ("approach", "team", "budget", "track_record"):
        assert f'name="{code}" min="0" max="100" value="{scores[code]}"' in html
    assert 'value="150"' in html and "方案扎实" in html
    assert not ProposalScore.objects.filter(proposal=bid, reviewer=reviewer).exists()
    english = client.post(f"/en/reviews/{need.pk}/", {"proposal": bid.pk, **scores}).content.decode()
    assert "Fit to the need: a whole number from 0 to 100." in english


def test_duplicate_bid_is_refused_with_the_typed_fields_kept(world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.a)
    client = signed_in(world.a.member)
    payload = proposal_payload(
        need,
        world.a,
        title="第二份方案",
        summary="分三阶段实施",
        approach="入户探访与小组活动",
        budget_lines=[{"item": "人员", "amount": "60000"}],
    )
    response = client.post(f"/needs/{need.pk}/bid/", bid_form_data(payload))
    html = response.content.decode()
    assert response.status_code == 200
    assert "已对此需求提交了有效投标" in html
    assert 'value="第二份方案"' in html
    assert "分三阶段实施" in html and "入户探访与小组活动" in html
    assert 'value="人员"' in html and 'value="60000"' in html
    for worker in world.a.workers[:2]:
        assert f'value="{worker.pk}"' in html
    assert response.context["form"].proposal["team"].value() == [str(w.pk) for w in world.a.workers[:2]]
    assert Proposal.objects.filter(need=need, organization=world.a.org).count() == 1
