"""A payout run books a year's dividends and a month's expense and milestone payouts in batches through
the ledger's batched path: once, resumable after an interruption, the ledger verified clean, and a
payout the reservation can't cover refused without booking any part of it."""

import datetime as dt
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.services import membership_add
from apps.cooperatives.models import DistributionAllocation
from apps.cooperatives.services import cooperative_create, distribution_approve, distribution_create, holder_add
from apps.expenses.models import Expense
from apps.expenses.services import budget_lines_ensure
from apps.ledger.models import Account, Leg, Transfer
from apps.ledger.selectors import ledger_verify
from apps.notifications.models import Notification
from apps.ops.payout_run import payout_run
from apps.projects.models import Milestone
from tests.cooperatives.conftest import profit
from tests.factories.expenses import add_budget
from tests.factories.projects import make_project

HOLDERS = 120
EXPENSES = 30
ROOT = Path(__file__).resolve().parents[2]


class _Rollback(Exception):
    pass


@pytest.fixture
def due(city, organization, make_user):
    """A cooperative with ``HOLDERS`` resident holders and an approved distribution; a project with
    ``EXPENSES`` approved claims of 100 yuan and its three milestones (30 %, 30 %, 40 % of 100,000
    yuan) accepted where the books were not kept. The reservation covers the claims and the first
    two milestones; the last one is 3,000 yuan short."""
    payer = make_user("community_staff", community=city.community)
    membership_add(user=payer, role="fund_manager", fund=city.fund)
    declarer = make_user("community_staff", community=city.community)
    coop = cooperative_create(actor=declarer, name="玉林合作社", community=city.community, registered_capital=1000)
    holder_add(actor=declarer, cooperative=coop, name="社区", holder_type="community", shares=1000, certificate_no="C")
    for i in range(HOLDERS):
        holder_add(
            actor=declarer, cooperative=coop, name=f"居民{i}", holder_type="resident", shares=1, certificate_no=f"R{i}"
        )
    year = timezone.localdate().year - 1
    profit(coop, declarer, year, "100000.00")
    declared = distribution_create(
        actor=declarer, cooperative=coop, fiscal_year=year, distributable_profit=Decimal(100000), prior_losses=0
    )
    distribution_approve(actor=make_user("fund_manager", fund=city.fund), distribution=declared)

    project = make_project(community=city.community, organization=organization, fund=city.fund)
    make_user("org_admin", organization=organization)  # hears of the claims paid
    add_budget(project, [("活动物资", Decimal("5000.00"))])
    budget_lines_ensure(project=project)
    line = project.budget_lines.get()
    approver = make_user("community_staff", community=city.community)
    Expense.objects.bulk_create(
        Expense(
            project=project,
            line=line,
            amount=Decimal("100.00"),
            spent_on=project.start_date,
            payee=f"商户{i}",
            status=Expense.Status.APPROVED,
            submitted_by=approver,
            approved_by=approver,
            approved_at=timezone.now(),
        )
        for i in range(EXPENSES)
    )
    project.milestones.update(status=Milestone.Status.ACCEPTED, accepted_at=timezone.now(), accepted_by=approver)
    return payer


def _state():
    """Everything a person would see of the run, without ids and times."""
    legs = sorted(Leg.objects.values_list("transfer__key", "account__code", "amount"))
    return {
        "transfers": sorted(Transfer.objects.values_list("key", "book", "sequence", "status", "kind")),
        "legs": legs,
        "balances": sorted(Account.objects.values_list("code", "balance", "pending_debits", "pending_credits")),
        "dividends paid": sorted(
            DistributionAllocation.objects.filter(paid_at__isnull=False).values_list("holder__name", flat=True)
        ),
        "expenses": sorted(Expense.objects.values_list("payee", "status")),
    }


@pytest.mark.django_db
def test_a_run_books_every_due_payout_once_and_refuses_what_the_reservation_cannot_cover(due):
    report = payout_run(actor=due, batch_size=50)
    dividends = Transfer.objects.filter(kind="dividend_payout")
    assert dividends.count() == HOLDERS + 1  # the residents and the community's own holding
    assert Transfer.objects.filter(key__startswith="expense:").count() == EXPENSES
    assert Transfer.objects.filter(key__startswith="milestone:").count() == 2
    assert report.booked == HOLDERS + 1 + EXPENSES + 2
    [(key, why)] = report.refused.items()
    assert key.startswith("milestone:") and why == gettext("More than what is left of the reservation.")
    owed = Account.objects.filter(owner_type="coop_holder", kind="dividends_payable")
    assert owed.count() == HOLDERS + 1 and all(a.balance == 0 for a in owed)
    assert not DistributionAllocation.objects.filter(paid_at__isnull=True, amount__gt=0).exists()
    assert set(Expense.objects.values_list("status", flat=True)) == {Expense.Status.PAID}
    # the organization hears once of the claims one batch paid, not once per claim
    project = Expense.objects.select_related("project").first().project
    summary = gettext("%(count)s expense claims on %(project)s were paid, %(amount)s in all") % {
        "count": EXPENSES,
        "project": project.title,
        "amount": "¥3,000.00",
    }
    titles = list(Notification.objects.filter(kind="payout").values_list("title", flat=True))
    assert titles == [summary]
    report = ledger_verify()
    assert report["ok"], report["faults"]

    again = payout_run(actor=due, batch_size=50)
    assert again.booked == 0 and list(again.refused) == [key]
    assert Transfer.objects.count() == report["transfers"]


@pytest.mark.django_db
def test_a_run_interrupted_between_batches_resumes_to_the_same_final_state(due):
    with pytest.raises(_Rollback), transaction.atomic():
        payout_run(actor=due, batch_size=25)
        straight = _state()
        raise _Rollback
    first = payout_run(actor=due, batch_size=25, max_batches=3)  # then killed
    assert first.booked == 75
    assert Transfer.objects.filter(kind="dividend_payout").count() == 75
    rest = payout_run(actor=due, batch_size=25)
    assert rest.booked == HOLDERS + 1 + EXPENSES + 2 - 75
    assert _state() == straight
    assert ledger_verify()["ok"]


@pytest.mark.django_db
def test_only_what_the_actor_may_pay_is_paid(due, make_user, city):
    stranger = make_user("community_staff", community=city.other_community)
    report = payout_run(actor=stranger, batch_size=50)
    # the milestones' payouts follow from their acceptance, not from the payer; with no claim paid the
    # reservation covers all three
    assert report.booked == 3
    assert len([k for k in report.refused if k.startswith("coop-dividend-payout:")]) == HOLDERS + 1
    assert len([k for k in report.refused if k.startswith("expense:")]) == EXPENSES
    assert not Transfer.objects.filter(kind="dividend_payout").exists()


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_run_killed_mid_batch_resumes_to_whole_batches_and_every_payout_once(due):
    """A real ``SIGKILL`` of ``manage.py payout_run`` while it books: what it committed is whole
    batches, and the rerun books the rest, each payout once."""
    command = [sys.executable, "manage.py", "payout_run", "--as", due.username, "--batch", "10", "-v", "2"]
    env = {**os.environ, "DATABASE_URL": _database_url()}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    deadline = timezone.now() + dt.timedelta(seconds=120)
    for line in process.stdout:
        if line.startswith("batch 2:"):
            process.send_signal(signal.SIGKILL)
            break
        assert timezone.now() < deadline
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    booked = Transfer.objects.filter(kind="dividend_payout").count()
    assert 20 <= booked < HOLDERS + 1 and booked % 10 == 0  # whole batches only
    assert ledger_verify()["ok"]
    resumed = subprocess.run(  # noqa: S603
        [*command[:-2]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 1, resumed.stderr  # the milestone the reservation can't cover
    assert f"{HOLDERS + 1 + EXPENSES + 2 - booked} booked" in resumed.stdout
    assert Transfer.objects.filter(kind="dividend_payout").count() == HOLDERS + 1
    assert not DistributionAllocation.objects.filter(paid_at__isnull=True, amount__gt=0).exists()
    report = ledger_verify()
    assert report["ok"], report["faults"]
