"""The bid form in Chromium (#20): budget lines and milestones are rows added and removed in place,
the running total is checked against the need's budget as you type, and 提交投标 asks first."""

from __future__ import annotations

import re

import pytest

from apps.bidding.models import Proposal
from tests.browser.conftest import may_sign_in, shot, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-Secret-123"
PHONE = {"width": 390, "height": 844}


def _open_bid_form(page, live_server, world, need, *, lang=""):
    may_sign_in(world.a.admin)
    sign_in(page, live_server, world.a.admin.username, PW)
    page.goto(f"{live_server.url}{lang}/needs/{need.pk}/bid/")
    page.wait_for_load_state("load")


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_a_row_is_added_the_total_follows_and_submitting_asks_first(
    world, make_need, live_server, mobile_page
):
    page = mobile_page
    page.set_viewport_size(PHONE)
    need = make_need()  # budget ¥50,000.00–¥100,000.00
    _open_bid_form(page, live_server, world, need)
    visit(page, "bid-form-390-zh")
    budget = page.locator("fieldset[data-rows=budget]")
    total, hint = budget.locator("output[data-sum-value]"), budget.locator("[data-sum-hint]")
    assert total.inner_text() == "¥0.00" and hint.inner_text() == "尚未填写金额"
    assert budget.locator("input[name$='-DELETE']").first.is_hidden()  # a 删除此行 button instead

    page.fill("input[name=title]", "暖心助餐计划")
    page.fill("textarea[name=summary]", "助餐与探访结合")
    page.fill("textarea[name=approach]", "第一阶段需求评估；第二阶段助餐配送。")
    page.fill("#id_budget-0-item", "人员费用")
    page.fill("#id_budget-0-amount", "60000")
    page.fill("#id_budget-1-item", "活动物料")
    page.fill("#id_budget-1-amount", "8000.50")
    page.fill("#id_budget-2-item", "交通")
    page.fill("#id_budget-2-amount", "1500")
    assert total.inner_text() == "¥69,500.50" and hint.inner_text() == "在预算范围内"

    page.get_by_role("button", name="添加预算明细").click()
    new_row = budget.locator("li[data-row]").nth(3)
    assert new_row.locator("#id_budget-3-item").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_budget-3-item"
    page.fill("#id_budget-3-item", "场地租金")
    page.fill("#id_budget-3-amount", "40000")
    assert total.inner_text() == "¥109,500.50" and hint.inner_text() == "超出预算上限 ¥100,000.00"
    assert "off" in hint.get_attribute("class")
    assert _page_width(page) <= PHONE["width"]
    shot(page, "bid-form-390-zh-over-budget")

    budget.locator("li[data-row]").nth(2).get_by_role("button", name="删除此行").click()
    assert total.inner_text() == "¥108,000.50"
    new_row.get_by_role("button", name="删除此行").click()
    assert total.inner_text() == "¥68,000.50" and hint.inner_text() == "在预算范围内"

    page.fill("#id_milestones-0-title", "启动")
    page.fill("#id_milestones-0-due_date", f"{need.service_start:%Y-%m-%d}")
    page.fill("#id_milestones-0-payment_percent", "30")
    page.fill("#id_milestones-1-title", "结项")
    page.fill("#id_milestones-1-due_date", f"{need.service_end:%Y-%m-%d}")
    page.fill("#id_milestones-1-payment_percent", "70")
    assert page.locator("fieldset[data-rows=milestones] output[data-sum-value]").inner_text() == "100%"
    for worker in world.a.workers[:2]:
        page.check(f"input[name=team][value='{worker.pk}']")

    page.get_by_role("button", name="提交投标").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible()
    assert "确认提交总额为 ¥68,000.50 的投标？" in dialog.inner_text()
    shot(page, "bid-form-390-zh-confirm")
    dialog.get_by_role("button", name="取消").click()
    assert not dialog.is_visible() and not Proposal.objects.exists()  # cancelled: nothing sent

    page.get_by_role("button", name="提交投标").click()
    dialog.get_by_role("button", name="确定，继续").click()
    page.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get(need=need, organization=world.a.org)
    assert proposal.status == "submitted" and str(proposal.total_amount) == "68000.50"
    assert [b.item for b in proposal.budget_lines.all()] == ["人员费用", "活动物料"]
    assert "您的密封投标已提交" in page.locator(".messages").inner_text()


@pytest.mark.parametrize("lang", ["", "/en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_bid_form_fits_the_screen_in_both_languages(world, make_need, live_server, page, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    need = make_need()
    _open_bid_form(page, live_server, world, need, lang=lang)
    page.fill("#id_budget-0-amount", "120000")
    visit(page, f"bid-form-{width}-{lang.strip('/') or 'zh'}")
    assert _page_width(page) <= width
    text = page.locator("main").inner_text()
    if lang:
        assert "Above the maximum budget of ¥100,000.00" in text and "Save draft" in text
        for name in [need.title, world.a.org.name, *(w.name for w in world.a.workers)]:
            text = text.replace(name, "")
        assert not re.search(r"[\u4e00-\u9fff]", text)
    else:
        assert "超出预算上限 ¥100,000.00" in text and "保存草稿" in text
        assert re.findall(r"[A-Za-z]{2,}", text) == []
