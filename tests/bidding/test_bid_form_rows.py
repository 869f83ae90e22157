"""The bid page takes budget lines and milestones as rows (Django formsets), keeps a running total,
and has two buttons: 保存草稿 keeps a draft the organization can finish, 提交投标 submits the bid,
which ``proposal_submit`` / ``proposal_update`` judge (#20)."""

import pytest
from django.test import Client

from apps.bidding.models import Proposal
from tests.bidding.conftest import proposal_payload
from tests.factories.bidding import bid_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world, settings):
    """A member of bidder A's organization, signed in (sign-in with MFA is tested elsewhere)."""
    settings.SANSHE_ENFORCE_MFA = False
    client = Client()
    client.force_login(world.a.member)
    return client


def _over_budget(need, bidder, **overrides):
    """Two lines adding up to ¥115,000.00 on a need of ¥50,000.00–¥100,000.00."""
    lines = [{"item": "人员费用", "amount": "85000"}, {"item": "活动物料", "amount": "30000"}]
    return proposal_payload(need, bidder, title="超预算方案", budget_lines=lines, **overrides)


def test_the_bid_page_offers_empty_rows_two_buttons_and_a_confirm_step_on_submit_only(world, make_need, member):
    need = make_need()
    response = member.get(f"/needs/{need.pk}/bid/")
    html = response.content.decode()
    assert 'name="budget-0-item"' in html and 'name="budget-2-amount"' in html  # rows, not "项目 | 金额"
    assert 'name="milestones-0-due_date"' in html and 'name="milestones-0-payment_percent"' in html
    assert "项目 | 金额" not in html and 'name="budget_lines"' not in html
    assert '<button type="submit" name="action" value="draft" class="secondary">保存草稿</button>' in html
    submit = html[html.index('value="submit"') : html.index("提交投标</button>")]
    assert 'data-confirm="确认提交总额为 ¥0.00 的投标？' in submit
    assert "合计" in html and "尚未填写金额" in html
    assert response.context["form"].budget_lines.total_form_count() == 3


def test_rows_are_saved_in_order_without_blank_or_removed_rows(world, make_need, member):
    need = make_need()
    data = bid_form_data(
        proposal_payload(
            need,
            world.a,
            budget_lines=[
                {"item": "人员费用", "amount": "60000"},
                {"item": "划掉的一行", "amount": "99999", "DELETE": "on"},
                {"item": "活动物料", "amount": "10000.50"},
                {"item": "", "amount": ""},
            ],
        )
    )
    response = member.post(f"/needs/{need.pk}/bid/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get(need=need, organization=world.a.org)
    assert proposal.status == "submitted" and str(proposal.total_amount) == "70000.50"
    assert [(b.item, str(b.amount)) for b in proposal.budget_lines.all()] == [
        ("人员费用", "60000.00"),
        ("活动物料", "10000.50"),
    ]
    assert [(m.title, str(m.payment_percent)) for m in proposal.milestones.all()] == [
        ("启动", "30.00"),
        ("结项", "70.00"),
    ]


def test_total_over_the_budget_is_refused_on_the_budget_rows_and_every_row_is_kept(world, make_need, member):
    need = make_need()
    response = member.post(f"/needs/{need.pk}/bid/", bid_form_data(_over_budget(need, world.a)))
    html = response.content.decode()
    assert response.status_code == 200
    assert not Proposal.objects.filter(need=need).exists()
    form = response.context["form"]
    assert form.budget_lines.non_form_errors() == ["总额 ¥115,000.00 超出预算范围 ¥50,000.00–¥100,000.00。"]
    assert not form.proposal.non_field_errors() and not form.milestones.non_form_errors()
    budget = html[html.index('data-rows="budget"') : html.index('data-rows="milestones"')]
    assert "总额 ¥115,000.00 超出预算范围" in budget  # above the rows it concerns, not on top of the page
    for typed in ('value="人员费用"', 'value="85000"', 'value="活动物料"', 'value="30000"', 'value="超预算方案"'):
        assert typed in html
    assert f'value="{need.service_end:%Y-%m-%d}"' in html and 'value="70"' in html
    assert "¥115,000.00" in budget and "超出预算上限 ¥100,000.00" in budget  # the running total, without JS
    assert 'data-confirm="确认提交总额为 ¥115,000.00 的投标？' in html


def test_refusal_on_the_english_page_is_in_english(world, make_need, member):
    need = make_need()
    html = member.post(f"/en/needs/{need.pk}/bid/", bid_form_data(_over_budget(need, world.a))).content.decode()
    assert "The total ¥115,000.00 is outside the budget range ¥50,000.00–¥100,000.00." in html
    assert "Above the maximum budget of ¥100,000.00" in html
    assert "超出" not in html and "保存草稿" not in html


def test_a_row_that_does_not_read_is_refused_on_that_row_with_the_others_kept(world, make_need, member):
    need = make_need()
    payload = proposal_payload(
        need, world.a, budget_lines=[{"item": "人员费用", "amount": "70000"}, {"item": "活动物料", "amount": "一万"}]
    )
    response = member.post(f"/needs/{need.pk}/bid/", bid_form_data(payload))
    assert response.status_code == 200 and not Proposal.objects.exists()
    rows = response.context["form"].budget_lines
    assert not rows[0].errors and list(rows[1].errors) == ["amount"]
    assert rows[1]["item"].value() == "活动物料" and rows[1]["amount"].value() == "一万"
    assert "请输入一个数字" in response.content.decode() or "输入一个数字" in response.content.decode()


def test_save_draft_keeps_an_unfinished_bid_which_the_page_continues_and_submits(world, make_need, member):
    need = make_need()
    draft = bid_form_data(_over_budget(need, world.a), action="draft")
    response = member.post(f"/needs/{need.pk}/bid/", draft)
    assert response.status_code == 302  # a draft is not judged: over the budget is fine for now
    proposal = Proposal.objects.get(need=need, organization=world.a.org)
    assert proposal.status == "draft" and proposal.submitted_at is None
    assert "已存为草稿" in member.get(response["Location"]).content.decode()

    page = member.get(f"/needs/{need.pk}/bid/")
    html = page.content.decode()
    assert 'value="超预算方案"' in html and 'value="85000.00"' in html and "继续填写" in html
    refused = member.post(f"/needs/{need.pk}/bid/", bid_form_data(_over_budget(need, world.a)))
    assert "超出预算范围" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "draft"  # refused: still the draft, rows as they were saved

    # As the page posts the draft back: its saved rows first (one kept as it was, one removed).
    lines = [{"item": "人员费用", "amount": "85000.00"}, {"item": "活动物料", "amount": "30000.00", "DELETE": "on"}]
    fixed = bid_form_data(proposal_payload(need, world.a, title="超预算方案", budget_lines=lines))
    fixed.update({"budget-INITIAL_FORMS": "2", "milestones-INITIAL_FORMS": "2"})
    done = member.post(f"/needs/{need.pk}/bid/", fixed)
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.submitted_at is not None
    assert str(proposal.total_amount) == "85000.00" and proposal.budget_lines.count() == 1
    assert proposal.milestones.count() == 2  # saved rows sent back unchanged are kept
    assert Proposal.objects.filter(need=need).count() == 1
    assert "投标已提交" in member.get(done["Location"]).content.decode()
