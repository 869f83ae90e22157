"""In Chromium: the organization claims an expense on a phone (390 px), the community's staff
approve it, the fund manager (another person) pays it through the confirm page. Screenshots of
each page at 390 and 1280 px go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.conf import settings

from apps.accounts.demo import DEMO_TOTP_SECRET
from apps.expenses.models import Expense
from apps.ledger.models import Transfer
from tests.browser.conftest import DESKTOP, _new_page, may_sign_in, sign_in, visit
from tests.browser.test_money_confirm import server  # noqa: F401 - the fixture
from tests.expenses.conftest import _no_mfa, scene, spent_on  # noqa: F401 - fixtures shared with tests/expenses
from tests.factories.expenses import PDF_BYTES, png_bytes

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
# On SQLite the live server shares the test's transaction (a flush would meet the ledger's
# append-only triggers): see tests/browser/test_money_confirm.py's ``server``.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=not ON_SQLITE)]

PW = "pw-Secret-123"
PHONE = {"width": 390, "height": 844}


def test_claim_on_a_phone_staff_approve_fund_manager_pays(scene, spent_on, server, browser, tmp_path):  # noqa: F811
    receipt, photo = tmp_path / "发票.pdf", tmp_path / "小票.png"
    receipt.write_bytes(PDF_BYTES)
    photo.write_bytes(png_bytes())
    url = f"{server.url}/projects/{scene.project.pk}/expenses/"
    line = scene.line(1)

    phone_context, phone = _new_page(browser, PHONE, "zh-CN")
    try:
        sign_in(phone, server, may_sign_in(scene.org_admin).username, PW)
        visit(phone, "expenses-project-page-390", url=f"{server.url}/projects/{scene.project.pk}/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.get_by_role("link", name="报销申请").click()
        visit(phone, "expenses-claim-form-390")
        # a fen over the line's budget: refused in Chinese, what was typed is kept
        phone.select_option("select[name=budget_line]", str(line.pk))
        phone.fill("input[name=amount]", "1500.51")
        phone.fill("input[name=spent_on]", spent_on.isoformat())
        phone.fill("input[name=payee]", "成都玉林文具店")
        phone.fill("textarea[name=description]", "活动用纸笔")
        phone.set_input_files("input[name=receipts]", [str(receipt), str(photo)])
        phone.get_by_role("button", name="提交报销申请").click()
        phone.get_by_text("超过了该科目的剩余预算").wait_for()
        assert "超过了该科目的剩余预算 ¥1,500.50" in phone.locator("main").inner_text()
        assert phone.input_value("input[name=payee]") == "成都玉林文具店"
        visit(phone, "expenses-claim-refused-390")
        phone.fill("input[name=amount]", "1500.50")
        phone.set_input_files("input[name=receipts]", [str(receipt), str(photo)])
        phone.get_by_role("button", name="提交报销申请").click()
        phone.get_by_text("已提交 ¥1,500.50 的报销申请").wait_for()
        assert "已提交 ¥1,500.50 的报销申请" in phone.locator("main").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        visit(phone, "expenses-claim-submitted-390")
    finally:
        phone_context.close()
    expense = Expense.objects.get()
    assert expense.receipts.count() == 2

    context, desk = _new_page(browser, DESKTOP, "zh-CN")
    try:
        sign_in(desk, server, may_sign_in(scene.staff).username, PW)
        visit(desk, "expenses-staff-1280", url=url)
        assert "每笔报销由两人把关" in desk.locator("main").inner_text()
        desk.get_by_role("button", name="审核通过").click()
        desk.locator("#confirm-dialog").get_by_role("button", name="确定，继续").click()
        desk.get_by_text("报销已审核通过").wait_for()
        assert "报销已审核通过" in desk.locator("main").inner_text()
        visit(desk, "expenses-approved-1280")
    finally:
        context.close()
    expense.refresh_from_db()
    assert expense.status == "approved"

    context, desk = _new_page(browser, DESKTOP, "zh-CN")
    try:
        manager = may_sign_in(scene.manager, totp_secret=DEMO_TOTP_SECRET)
        sign_in(desk, server, manager.username, PW, totp_secret=DEMO_TOTP_SECRET)
        desk.goto(url)
        desk.get_by_role("link", name="支付", exact=True).click()
        desk.wait_for_load_state("load")
        visit(desk, "expenses-pay-confirm-1280")
        assert "¥1,500.50" in desk.locator("main").inner_text()
        desk.locator(".money-confirm").get_by_role("button", name="支付").click()
        desk.get_by_text("报销已支付").wait_for()
        transfer = Transfer.objects.get(key=f"expense:{expense.pk}:payout")
        assert f"流水 #{transfer.pk}" in desk.locator("main").inner_text()
        visit(desk, "expenses-paid-1280")
    finally:
        context.close()
    expense.refresh_from_db()
    assert expense.status == "paid" and transfer.amount == 150050
