"""Projects for tests: Need/Proposal rows made directly with the ORM, then
``project_create_from_award`` as the bidding app calls it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.bidding.models import Need, Proposal, ProposalMilestone, ProposalTeamMember
from apps.core.models import Category
from apps.core.money import decimal_to_fen
from apps.funds.services import fund_income_record
from apps.projects.models import Project
from apps.projects.services import project_create_from_award
from tests.factories.core import UserFactory


def awarded_need(*, community, fund=None, start=None, end=None, category="elderly", min_level="assistant") -> Need:
    today = timezone.localdate()
    start = start or today - dt.timedelta(days=60)
    end = end or today + dt.timedelta(days=120)
    return Need.objects.create(
        community=community,
        title="长者助餐与探访服务",
        description="为辖区独居老人提供助餐与探访。",
        category=Category.objects.get(code=category),
        beneficiaries=80,
        budget_min=Decimal("10000.00"),
        budget_max=Decimal("200000.00"),
        service_start=start,
        service_end=end,
        min_worker_level=min_level,
        workers_needed=1,
        bid_deadline=timezone.now() - dt.timedelta(days=70),
        fund=fund,
        status=Need.Status.AWARDED,
        created_by=UserFactory(),
    )


def make_project(
    *,
    community,
    organization,
    workers=(),
    fund=None,
    amount=Decimal("100000.00"),
    percents=(Decimal(30), Decimal(30), Decimal(40)),
    start=None,
    end=None,
    team_from_start=True,
    title="玉林长者关爱项目",
) -> Project:
    """An active project whose team (``workers``) is on it from the project's first day
    (``team_from_start``), so records in the past are allowed by the team rule."""
    need = awarded_need(community=community, fund=fund, start=start, end=end)
    if fund is not None:
        # the paying fund holds the money the award reserves
        fund_income_record(
            fund=fund, amount_fen=decimal_to_fen(amount), source="bank", idempotency_key=f"factory-need-{need.pk}"
        )
    proposal = Proposal.objects.create(
        need=need,
        organization=organization,
        title=title,
        summary="摘要",
        approach="方法",
        total_amount=amount,
        status=Proposal.Status.AWARDED,
        submitted_at=timezone.now() - dt.timedelta(days=75),
        created_by=UserFactory(),
    )
    for i, percent in enumerate(percents):
        ProposalMilestone.objects.create(
            proposal=proposal,
            title=f"第{i + 1}阶段",
            due_date=need.service_start + dt.timedelta(days=30 * (i + 1)),
            payment_percent=percent,
            position=i,
        )
    for worker in workers:
        ProposalTeamMember.objects.create(proposal=proposal, worker=worker, role="社工")
    project = project_create_from_award(need=need, proposal=proposal)
    if team_from_start:
        project.team.update(start_date=project.start_date)
    return project
