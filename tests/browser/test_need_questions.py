"""The need page's questions and answers and its objections (#21) as people see them, at 390 px and
1280 px in Chinese: a visitor reads the Q&A and the reasoned decision, nobody sees who asked; the
community's staff answer with the 修改了需求条件 tick; platform staff decide an objection with a
reason. Nothing is wider than the window, and axe passes."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from apps.bidding.models import Need, Objection, Question
from apps.bidding.services import objection_resolve, question_answer, question_ask
from apps.organizations.models import Organization
from tests.browser.conftest import _new_page, may_sign_in, sign_in, visit
from tests.factories.bidding import NeedFactory, ProposalFactory

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]

ASKER = "提问机构（不应出现）"
DECISION = "经核查，评审专家均已声明无利益冲突，各项评分及加权计算过程已随公示一并公开，异议不成立，维持原评审结果。"


@pytest.fixture
def server(settings):
    settings.SANSHE_ENFORCE_MFA = False
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.fixture
def needs(world, make_need):
    Organization.objects.filter(pk=world.a.org.pk).update(name=ASKER)
    open_need = make_need(title="玉林东路社区独居老人探访与助餐服务")
    answered = question_ask(
        actor=world.a.admin, need=open_need, text="服务对象名单是否由社区提供？是否需要机构自行入户摸排？"
    )
    question_answer(
        actor=world.staff,
        question=answered,
        answer="社区提供现有台账名单，中标机构需在启动后一个月内入户复核并补充建档。服务周期相应调整为十个月。",
        changes_terms=True,
    )
    question_ask(actor=world.a.admin, need=open_need, text="预算是否包含志愿者交通补贴？")

    in_notice = NeedFactory(
        community=world.city.community,
        created_by=world.staff,
        title="玉林东路社区四点半课堂课后托管",
        status=Need.Status.NOTICE,
        bid_deadline=timezone.now() - dt.timedelta(days=3),
        notice_ends_at=timezone.now() + dt.timedelta(days=4),
        awarded_at=timezone.now() - dt.timedelta(days=1),
    )
    winner = ProposalFactory(need=in_notice, organization=world.b.org, status="submitted", created_by=world.b.admin)
    in_notice.awarded_proposal = winner
    in_notice.ranking = [
        {
            "rank": 1,
            "proposal": winner.pk,
            "organization": world.b.org.pk,
            "organization_name": world.b.org.name,
            "score": "86.40",
            "total_amount": "80000.00",
        }
    ]
    in_notice.save()
    Question.objects.create(
        need=in_notice,
        organization=world.a.org,
        asked_by=world.a.admin,
        text="课后托管的场地由谁提供？",
        asked_at=timezone.now() - dt.timedelta(days=9),
        answer="社区提供二楼活动室，周一至周五 16:00–18:30 可用。",
        answered_by=world.staff,
        answered_at=timezone.now() - dt.timedelta(days=8),
    )
    dismissed = Objection.objects.create(
        need=in_notice,
        proposal=winner,
        filed_by=world.outsider,
        text="评分过程是否公开？是否有评审专家与中标机构存在关联？",
    )
    objection_resolve(actor=world.platform, objection=dismissed, upheld=False, decision=DECISION)
    Objection.objects.create(
        need=in_notice, proposal=winner, filed_by=world.a.admin, text="请核实中标团队社工的登记有效期。"
    )
    return open_need, in_notice


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1280])
def test_need_pages_show_qa_and_objections_and_fit_the_window(world, needs, server, browser, width):
    open_need, in_notice = needs
    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN")
    try:
        visit(page, f"need-qa-visitor-{width}", url=f"{server.url}/needs/{open_need.pk}/")
        text = page.locator("#questions").inner_text()
        assert "服务对象名单是否由社区提供" in text and "需求条件已修改" in text
        assert ASKER not in page.content()
        _fits(page, width)

        visit(page, f"need-objections-visitor-{width}", url=f"{server.url}/needs/{in_notice.pk}/")
        objections = page.locator("#objections").inner_text()
        assert DECISION in objections and "异议不成立" in objections
        assert world.outsider.username not in page.content()
        _fits(page, width)
        visit(page, f"ranking-objections-{width}", url=f"{server.url}/needs/{in_notice.pk}/ranking/")
        _fits(page, width)

        staff = may_sign_in(world.staff)
        sign_in(page, server, staff.username, "pw-Secret-123")
        visit(page, f"need-qa-staff-{width}", url=f"{server.url}/needs/{open_need.pk}/")
        assert page.get_by_label("修改了需求条件").count() == 1
        box = page.get_by_role("button", name="公开答复").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        _fits(page, width)
    finally:
        context.close()

    context, page = _new_page(browser, {"width": width, "height": 844}, "zh-CN")
    try:
        platform = may_sign_in(world.platform)
        sign_in(page, server, platform.username, "pw-Secret-123")
        visit(page, f"need-objections-platform-{width}", url=f"{server.url}/needs/{in_notice.pk}/")
        assert world.outsider.username in page.locator("#objections").inner_text()
        page.get_by_label("处理理由").fill("太短")
        page.get_by_role("button", name="公布处理结果").click()
        page.wait_for_load_state("load")
        assert "至少 20 个字" in page.locator("#objections").inner_text()
        assert page.get_by_label("处理理由").input_value() == "太短"
        _fits(page, width)
    finally:
        context.close()
