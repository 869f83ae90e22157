"""The pages: the organization claims from the project's budget page (errors in Chinese, what was
typed kept), the community's staff approve, the fund manager pays through the confirm page, and
the public sees the totals per line only."""

from __future__ import annotations

from apps.accounts.services import membership_add
from apps.bidding.models import PanelReviewer
from apps.expenses.models import BudgetRevision, Expense
from apps.ledger.models import Transfer
from tests.factories.expenses import html_as_pdf, receipt_pdf, receipt_png
from tests.money_confirm import confirm


def page(scene) -> str:
    return f"/projects/{scene.project.pk}/expenses/"


def claim_form(scene, spent_on, **overrides):
    return {
        "budget_line": scene.line(0).pk,
        "amount": "1200.00",
        "spent_on": spent_on.isoformat(),
        "payee": "玉林印务",
        "description": "宣传单印刷",
        "receipts": [receipt_pdf()],
        **overrides,
    }


def test_the_project_page_shows_per_line_totals_to_everyone_and_claims_to_parties(client, scene, spent_on):
    html = client.get(f"/projects/{scene.project.pk}/").content.decode()
    assert "预算与报销" in html and "场地租赁" in html and "¥1,500.50" in html
    assert page(scene) not in html  # the public gets no link to the claims
    assert client.get(page(scene)).status_code == 302  # sign in first
    client.force_login(scene.outsider)
    assert client.get(page(scene)).status_code == 404
    client.force_login(scene.other_admin)
    assert client.get(page(scene)).status_code == 404
    client.force_login(scene.org_member)
    assert page(scene) in client.get(f"/projects/{scene.project.pk}/").content.decode()


def test_a_bad_claim_shows_chinese_errors_and_keeps_what_was_typed(client, scene, spent_on):
    client.force_login(scene.org_admin)
    response = client.post(page(scene), claim_form(scene, spent_on, amount="3000.01", receipts=[html_as_pdf()]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "剩余预算 ¥3,000.00" in html
    assert 'value="玉林印务"' in html and "宣传单印刷" in html and 'value="3000.01"' in html
    response = client.post(page(scene), claim_form(scene, spent_on, receipts=[html_as_pdf()]))
    assert response.status_code == 400
    assert "票据须为 PDF 或图片" in response.content.decode()
    assert not Expense.objects.exists()


def test_claim_approve_and_pay_through_the_pages(client, scene, spent_on):
    client.force_login(scene.org_admin)
    response = client.post(page(scene), claim_form(scene, spent_on, receipts=[receipt_pdf(), receipt_png()]))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.receipts.count() == 2

    client.force_login(scene.staff)
    html = client.get(page(scene)).content.decode()
    assert "双人" in html or "两人" in html
    client.post(f"{page(scene)}{expense.pk}/approve/")
    expense.refresh_from_db()
    assert expense.status == "approved"

    client.force_login(scene.manager)
    receipt = expense.receipts.first()
    assert client.get(f"{page(scene)}{expense.pk}/receipts/{receipt.pk}/").status_code == 200
    paid = confirm(client, f"{page(scene)}{expense.pk}/pay/", follow=True)
    html = paid.content.decode()
    assert "报销已支付" in html and "¥1,200.00" in html
    transfer = Transfer.objects.get(key=f"expense:{expense.pk}:payout")
    assert f"流水 #{transfer.pk}" in html
    # paying again from a stale page books nothing more
    client.post(f"{page(scene)}{expense.pk}/pay/")
    assert Transfer.objects.filter(key__startswith="expense:").count() == 1


def test_the_approver_is_told_another_person_pays(client, scene, spent_on, city):
    membership_add(user=scene.staff, role="fund_manager", fund=city.fund)
    client.force_login(scene.org_admin)
    client.post(page(scene), claim_form(scene, spent_on))
    expense = Expense.objects.get()
    client.force_login(scene.staff)
    client.post(f"{page(scene)}{expense.pk}/approve/")
    html = client.get(page(scene)).content.decode()
    assert "须由另一人支付" in html
    response = client.get(f"{page(scene)}{expense.pk}/pay/", follow=True)
    assert "须由另一人支付" in response.content.decode()
    client.post(f"{page(scene)}{expense.pk}/pay/")
    assert not Transfer.objects.filter(key__startswith="expense:").exists()


def test_staff_revise_a_line_with_a_reason_and_reject_a_claim(client, scene, spent_on):
    client.force_login(scene.org_admin)
    client.post(page(scene), claim_form(scene, spent_on, amount="100.00"))
    line = scene.line(0)
    client.force_login(scene.staff)
    client.post(
        f"/projects/{scene.project.pk}/budget-lines/{line.pk}/revise/",
        {f"l{line.pk}-title": "场地与设备租赁", f"l{line.pk}-amount": "3500.00", f"l{line.pk}-reason": "增加音响设备"},
    )
    revision = BudgetRevision.objects.get()
    assert (revision.new_title, str(revision.new_amount), revision.reason) == (
        "场地与设备租赁",
        "3500.00",
        "增加音响设备",
    )
    html = client.get(page(scene)).content.decode()
    assert "增加音响设备" in html and "¥3,500.00" in html
    expense = Expense.objects.get()
    client.post(f"{page(scene)}{expense.pk}/reject/", {"reason": "票据不清晰"})
    expense.refresh_from_db()
    assert expense.status == "rejected" and expense.rejected_reason == "票据不清晰"


def test_closed_project_budget_against_actual_and_the_reviewers_link(client, scene, make_user):
    scene.project.status = "completed"
    scene.project.save(update_fields=["status"])
    html = client.get(f"/projects/{scene.project.pk}/budget/").content.decode()
    assert "预算与实际" in html and "¥3,000.00" in html and "差额" in html
    reviewer = make_user("reviewer")
    PanelReviewer.objects.create(need=scene.project.need, reviewer=reviewer)
    client.force_login(reviewer)
    assert f"/projects/{scene.project.pk}/budget/" in client.get("/reviews/").content.decode()
