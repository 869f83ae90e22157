"""Milestone and expense payouts share the project's grant reservation (#23): together they
never exceed it. A payout that would is a clear 409 in Chinese and English, and books nothing."""

from __future__ import annotations

from decimal import Decimal

from apps.expenses.models import Expense
from apps.ledger.models import Transfer
from apps.projects.models import Milestone
from tests.expenses.test_expenses_api import ZH, claim


def _accept(client, scene, milestone, **headers):
    return client.post(f"/api/v1/projects/{scene.project.pk}/milestones/{milestone.pk}/accept/", **headers)


def test_milestone_and_expense_payouts_never_exceed_the_grant(api, scene, spent_on):
    # the grant is ¥100,000.00: milestones of 30 %, 30 % and 40 % (¥40,000.00 last)
    org, staff, manager = api.as_user(scene.org_admin), api.as_user(scene.staff), api.as_user(scene.manager)
    for line, amount in ((scene.line(0), "3000.00"), (scene.line(1), "1500.50")):
        pk = claim(org, scene, line=line, amount=amount, spent_on=spent_on).json()["id"]
        staff.post(f"/api/v1/expenses/{pk}/approve/")
        assert manager.post(f"/api/v1/expenses/{pk}/pay/").status_code == 200
    milestones = list(scene.project.milestones.order_by("position"))
    Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(status=Milestone.Status.SUBMITTED)
    for milestone in milestones[:2]:
        assert _accept(staff, scene, milestone).status_code == 200
    booked = Transfer.objects.count()
    # ¥100,000.00 − ¥60,000.00 − ¥4,500.50 = ¥35,499.50 left; the last milestone asks ¥40,000.00
    refused = _accept(staff, scene, milestones[2], **ZH)
    assert refused.status_code == 409
    assert "¥35,499.50" in refused.json()["detail"] and "仅剩" in refused.json()["detail"]
    english = _accept(staff, scene, milestones[2], HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409 and "Only ¥35,499.50 is left" in english.json()["detail"]
    milestones[2].refresh_from_db()
    assert milestones[2].status == Milestone.Status.SUBMITTED and milestones[2].accepted_at is None
    assert Transfer.objects.count() == booked
    # an expense over what is left is refused the same way, and pays nothing
    line = scene.line(0)
    line.amount = Decimal("50000.00")
    line.save(update_fields=["amount"])
    pk = claim(org, scene, line=line, amount="35499.51", spent_on=spent_on).json()["id"]
    staff.post(f"/api/v1/expenses/{pk}/approve/")
    over = manager.post(f"/api/v1/expenses/{pk}/pay/", **ZH)
    assert over.status_code == 409 and "¥35,499.50" in over.json()["detail"]
    assert Expense.objects.get(pk=pk).status == Expense.Status.APPROVED
    assert Transfer.objects.count() == booked
