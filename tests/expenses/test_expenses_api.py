"""Expense claims through the API: the flow across two lines up to the exact remaining amount,
refusals that book nothing, the two-person rule, paying once, and who sees what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import membership_add
from apps.expenses.models import BudgetRevision, Expense, ExpenseReceipt
from apps.ledger.models import Transfer
from apps.notifications.models import Notification
from tests.factories.expenses import html_as_pdf, receipt_pdf, receipt_png

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def claim(client, scene, *, line, amount, spent_on, receipts=None, **extra):
    data = {
        "budget_line": line.pk,
        "amount": str(amount),
        "spent_on": spent_on.isoformat(),
        "payee": "成都玉林文具店",
        "description": "活动用纸笔",
        "receipts": [receipt_png()] if receipts is None else receipts,
        **extra,
    }
    return client.post(f"/api/v1/projects/{scene.project.pk}/expenses/", data, format="multipart", **ZH)


def lines(api, scene):
    response = api.get(f"/api/v1/projects/{scene.project.pk}/budget-lines/")
    assert response.status_code == 200
    return {row["title"]: row for row in response.json()}


def payouts():
    return Transfer.objects.filter(key__startswith="expense:", key__endswith=":payout")


def test_budget_lines_come_from_the_winning_bid_and_are_public(api, scene):
    rows = lines(api, scene)
    assert list(rows) == ["场地租赁", "活动物资"]
    assert rows["活动物资"] == {
        "id": rows["活动物资"]["id"],
        "title": "活动物资",
        "amount": "1500.50",
        "claimed": "0.00",
        "approved": "0.00",
        "paid": "0.00",
        "remaining": "1500.50",
    }


def test_flow_across_two_lines_up_to_the_exact_remaining_amount(api, scene, spent_on):
    org, staff, manager = api.as_user(scene.org_member), api.as_user(scene.staff), api.as_user(scene.manager)
    a, b = scene.line(0), scene.line(1)
    first = claim(org, scene, line=a, amount="1000.00", spent_on=spent_on)
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "submitted"
    assert first.json()["receipts"][0]["name"] == "发票.png"
    # a fen over what is left of line A is refused, naming what is left, as money, in Chinese
    over = claim(org, scene, line=a, amount="2000.01", spent_on=spent_on)
    assert over.status_code == 400
    assert "¥2,000.00" in over.json()["amount"][0]
    assert "剩余" in over.json()["amount"][0]
    second = claim(org, scene, line=a, amount="2000.00", spent_on=spent_on, receipts=[receipt_pdf()])
    third = claim(org, scene, line=b, amount="1500.50", spent_on=spent_on)
    assert second.status_code == third.status_code == 201
    assert claim(org, scene, line=b, amount="0.01", spent_on=spent_on).status_code == 400

    for response in (first, second, third):
        pk = response.json()["id"]
        assert staff.post(f"/api/v1/expenses/{pk}/approve/").json()["status"] == "approved"
        paid = manager.post(f"/api/v1/expenses/{pk}/pay/")
        assert paid.status_code == 200, paid.json()
        assert paid.json()["status"] == "paid"
        assert paid.json()["transfer"] == Transfer.objects.get(key=f"expense:{pk}:payout").pk

    rows = lines(api, scene)
    assert rows["场地租赁"]["paid"] == "3000.00" and rows["场地租赁"]["remaining"] == "0.00"
    assert rows["活动物资"]["approved"] == "1500.50" and rows["活动物资"]["remaining"] == "0.00"
    assert sorted(t.amount for t in payouts()) == [100000, 150050, 200000]
    # the payouts came out of the project's grant reservation
    assert {t.pending.key for t in payouts()} == {f"award:{scene.project.proposal_id}:reserve"}


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "12.345"])
def test_zero_negative_or_sub_fen_amounts_are_refused(api, scene, spent_on, amount):
    response = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount=amount, spent_on=spent_on)
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Expense.objects.exists()


def test_no_receipt_or_html_posing_as_pdf_is_refused(api, scene, spent_on, settings):
    org = api.as_user(scene.org_admin)
    none = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=spent_on, receipts=[])
    assert none.status_code == 400
    assert "票据" in none.json()["receipts"][0]
    html = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=spent_on, receipts=[html_as_pdf()])
    assert html.status_code == 400
    assert "receipt.pdf" in html.json()["receipts"][0] and "PDF" in html.json()["receipts"][0]
    settings.MAX_UPLOAD_BYTES = 100
    big = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=spent_on)
    assert big.status_code == 400
    assert not Expense.objects.exists() and not ExpenseReceipt.objects.exists()


def test_a_claim_dated_outside_the_project_period_or_in_the_future_is_refused(api, scene, days, today):
    org = api.as_user(scene.org_admin)
    before = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=scene.project.start_date - days(1))
    after = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=scene.project.end_date + days(1))
    tomorrow = claim(org, scene, line=scene.line(0), amount="10.00", spent_on=today + days(1))
    assert before.status_code == after.status_code == tomorrow.status_code == 400
    assert "spent_on" in before.json()
    assert "将来" in tomorrow.json()["spent_on"][0]
    assert not Expense.objects.exists()


def test_two_person_rule_the_approver_may_not_pay(api, scene, spent_on, make_user, city):
    both = make_user("community_staff", community=city.community)
    membership_add(user=both, role="fund_manager", fund=city.fund)
    pk = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount="88.00", spent_on=spent_on).json()["id"]
    assert api.as_user(both).post(f"/api/v1/expenses/{pk}/approve/").status_code == 200
    refused = api.as_user(both).post(f"/api/v1/expenses/{pk}/pay/", **ZH)
    assert refused.status_code == 403
    assert "两人" in refused.json()["detail"] or "另一" in refused.json()["detail"]
    assert not payouts().exists()
    assert api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/").status_code == 200
    assert payouts().count() == 1


def test_paying_twice_books_one_transfer(api, scene, spent_on):
    pk = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount="300.00", spent_on=spent_on).json()["id"]
    api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/approve/")
    assert api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/").status_code == 200
    again = api.as_user(scene.manager2).post(f"/api/v1/expenses/{pk}/pay/")
    assert again.status_code == 409
    assert payouts().count() == 1
    assert payouts().get().amount == 30000


def test_only_approved_claims_are_paid_and_only_by_the_fund_manager(api, scene, spent_on):
    pk = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount="50.00", spent_on=spent_on).json()["id"]
    assert api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/").status_code == 409
    api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/approve/")
    assert api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/pay/").status_code == 403
    assert api.as_user(scene.org_admin).post(f"/api/v1/expenses/{pk}/pay/").status_code == 403
    assert not payouts().exists()


def test_reject_frees_the_line_and_tells_the_organization(api, scene, spent_on):
    org = api.as_user(scene.org_admin)
    pk = claim(org, scene, line=scene.line(1), amount="1500.50", spent_on=spent_on).json()["id"]
    assert api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/reject/", {"reason": ""}).status_code == 400
    rejected = api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/reject/", {"reason": "发票抬头不符"})
    assert rejected.json()["status"] == "rejected"
    assert lines(api, scene)["活动物资"]["remaining"] == "1500.50"
    assert Notification.objects.filter(user=scene.org_admin, title__contains="发票抬头不符").exists()
    assert api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/").status_code == 409


def test_the_next_actor_is_notified_at_each_step(api, scene, spent_on):
    pk = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount="20.00", spent_on=spent_on).json()["id"]
    assert Notification.objects.filter(user=scene.staff, kind="payout").count() == 1
    api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/approve/")
    assert Notification.objects.filter(user=scene.manager, kind="payout").count() == 1
    api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/")
    assert Notification.objects.filter(user=scene.org_member, kind="payout").count() == 1


def test_visibility_public_sees_totals_only_other_org_gets_404(api, scene, spent_on):
    created = claim(api.as_user(scene.org_admin), scene, line=scene.line(0), amount="20.00", spent_on=spent_on).json()
    pk, receipt_url = created["id"], created["receipts"][0]["url"]
    # the public: totals per line, no claims
    assert lines(api, scene)["场地租赁"]["claimed"] == "20.00"
    assert api.get(f"/api/v1/projects/{scene.project.pk}/expenses/").status_code in (401, 403)
    assert api.get(receipt_url).status_code in (401, 403, 404)
    for stranger in (scene.other_admin, scene.other_staff, scene.outsider):
        client = api.as_user(stranger)
        assert client.get(f"/api/v1/expenses/{pk}/").status_code == 404
        assert client.get(receipt_url).status_code == 404
        assert client.get(f"/api/v1/projects/{scene.project.pk}/expenses/").status_code == 404
        assert client.post(f"/api/v1/expenses/{pk}/approve/").status_code == 404
        assert client.post(f"/api/v1/expenses/{pk}/pay/").status_code == 404
    # another organization can't claim on the project
    assert (
        claim(api.as_user(scene.other_admin), scene, line=scene.line(0), amount="5.00", spent_on=spent_on).status_code
        == 404
    )
    for party in (scene.org_member, scene.staff, scene.manager):
        download = api.as_user(party).get(receipt_url)
        assert download.status_code == 200
        assert download["Cache-Control"] == "private, no-store"
        assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert Expense.objects.count() == 1


def test_budget_revision_records_the_reason(api, scene, spent_on):
    line = scene.line(1)
    url = f"/api/v1/projects/{scene.project.pk}/budget-lines/{line.pk}/revise/"
    assert api.as_user(scene.org_admin).post(url, {"amount": "2000.00", "reason": "加场"}).status_code == 403
    assert api.as_user(scene.staff).post(url, {"amount": "2000.00", "reason": ""}).status_code == 400
    revised = api.as_user(scene.staff).post(url, {"amount": "2000.00", "reason": "增加一场活动"})
    assert revised.status_code == 200
    assert revised.json()["amount"] == "2000.00" and revised.json()["remaining"] == "2000.00"
    revision = BudgetRevision.objects.get()
    assert (revision.old_amount, revision.new_amount, revision.reason, revision.revised_by) == (
        Decimal("1500.50"),
        Decimal("2000.00"),
        "增加一场活动",
        scene.staff,
    )
    history = api.as_user(scene.org_admin).get(f"/api/v1/projects/{scene.project.pk}/budget-lines/{line.pk}/revisions/")
    assert history.json()[0]["reason"] == "增加一场活动"
    # never below what is claimed
    claim(api.as_user(scene.org_admin), scene, line=line, amount="1800.00", spent_on=spent_on)
    lower = api.as_user(scene.staff).post(url, {"amount": "1799.99", "reason": "压缩"}, **ZH)
    assert lower.status_code == 400 and "¥1,800.00" in lower.json()["amount"][0]


def test_list_endpoints_query_counts_do_not_grow_with_rows(api, scene, spent_on):
    org = api.as_user(scene.org_admin)

    def count(url, client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    expenses_url = f"/api/v1/projects/{scene.project.pk}/expenses/"
    lines_url = f"/api/v1/projects/{scene.project.pk}/budget-lines/"
    claim(org, scene, line=scene.line(0), amount="1.00", spent_on=spent_on)
    few = count(expenses_url, org), count(lines_url, api)
    for _ in range(4):
        pk = claim(org, scene, line=scene.line(1), amount="2.00", spent_on=spent_on).json()["id"]
        api.as_user(scene.staff).post(f"/api/v1/expenses/{pk}/approve/")
        api.as_user(scene.manager).post(f"/api/v1/expenses/{pk}/pay/")
    many = count(expenses_url, org), count(lines_url, api)
    assert many == few
    assert many[1] <= 5, many
    print("query counts (expenses list, budget lines):", many)
