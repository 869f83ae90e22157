"""Projects: an awarded project made the way the bidding app makes it
(``project_create_from_award``), or written as rows for the money tests, which reserve and pay
through the funds services themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.bidding.models import Need, Proposal
from apps.core.models import Category
from apps.core.money import decimal_to_fen
from apps.funds.services import fund_income_record
from apps.projects.models import DeliveryRating, Milestone, Project, ServiceLog
from apps.projects.services import project_create_from_award
from tests.factories.bidding import NeedFactory, ProposalFactory, ProposalMilestoneFactory, ProposalTeamMemberFactory
from tests.factories.core import SocialWorkerFactory, UserFactory


def awarded_need(*, community, fund=None, start=None, end=None, category="elderly", min_level="assistant") -> Need:
    overrides = {"service_start": start, "service_end": end}
    return NeedFactory(
        awarded=True,
        community=community,
        fund=fund,
        category=Category.objects.get(code=category),
        min_worker_level=min_level,
        **{field: value for field, value in overrides.items() if value is not None},
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
    proposal = ProposalFactory(
        need=need,
        organization=organization,
        title=title,
        total_amount=amount,
        status=Proposal.Status.AWARDED,
        submitted_at=timezone.now() - dt.timedelta(days=75),
    )
    for i, percent in enumerate(percents):
        ProposalMilestoneFactory(proposal=proposal, position=i, payment_percent=percent)
    for worker in workers:
        ProposalTeamMemberFactory(proposal=proposal, worker=worker)
    project = project_create_from_award(need=need, proposal=proposal)
    if team_from_start:
        project.team.update(start_date=project.start_date)
    return project


def grant_bid(*, community, fund, organization, total: Decimal, created_by, category="elderly") -> Proposal:
    """A bid of ``total`` on a need of the same budget paid by ``fund``, serving from today for 90
    days; no reservation yet (the money tests reserve through ``award_reserve``)."""
    today = timezone.localdate()
    need = NeedFactory(
        community=community,
        fund=fund,
        title=factory.Sequence(lambda n: f"need {n}"),
        description="d",
        category=Category.objects.get(code=category),
        beneficiaries=10,
        beneficiary_group="",
        budget_min=total,
        budget_max=total,
        service_start=today,
        service_end=today + dt.timedelta(days=90),
        min_worker_level="assistant",
        workers_needed=1,
        bid_deadline=timezone.now(),
        status=Need.Status.DRAFT,
        created_by=created_by,
    )
    return ProposalFactory(
        need=need,
        organization=organization,
        title=f"p {need.pk}",
        summary="s",
        approach="a",
        total_amount=total,
        created_by=created_by,
    )


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project row for ``proposal`` (its need's community, fund and service dates)."""

    class Meta:
        model = Project

    proposal = factory.SubFactory(ProposalFactory, need__awarded=True, status=Proposal.Status.AWARDED)
    need = factory.SelfAttribute("proposal.need")
    organization = factory.SelfAttribute("proposal.organization")
    community = factory.SelfAttribute("need.community")
    fund = factory.SelfAttribute("need.fund")
    title = factory.Sequence(lambda n: f"项目 {n}")
    amount = factory.SelfAttribute("proposal.total_amount")
    start_date = factory.SelfAttribute("need.service_start")
    end_date = factory.SelfAttribute("need.service_end")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(int)
    title = factory.LazyAttribute(lambda m: f"milestone {m.position}")
    due_date = factory.LazyFunction(timezone.localdate)
    amount = factory.LazyAttribute(lambda m: m.project.amount)
    payment_percent = factory.LazyAttribute(lambda m: Decimal(100) * m.amount / m.project.amount)


def project_with_milestones(*, proposal: Proposal, amounts, title=None, milestone_title="milestone {i}") -> Project:
    """``proposal``'s project with one submitted milestone per amount (``amounts`` in yuan)."""
    project = ProjectFactory(proposal=proposal, **({"title": title} if title else {}))
    for i, amount in enumerate(amounts):
        MilestoneFactory(
            project=project,
            position=i,
            title=milestone_title.format(i=i),
            amount=Decimal(amount),
            status=Milestone.Status.SUBMITTED,
        )
    return project


class ServiceLogFactory(factory.django.DjangoModelFactory):
    """A confirmed service-hour record written directly (the projects app's rules are tested
    through its services)."""

    class Meta:
        model = ServiceLog

    worker = factory.SubFactory(SocialWorkerFactory)
    project = factory.SubFactory(ProjectFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    start_time = dt.time(8)
    end_time = dt.time(16)
    place = "活动室"
    content = "探访"
    beneficiaries_served = 1
    hours = Decimal("8.00")
    status = ServiceLog.Status.CONFIRMED


class DeliveryRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryRating

    project = factory.SubFactory(ProjectFactory)
    rating = 5
    rated_by = factory.SubFactory(UserFactory)
    rated_on = factory.LazyFunction(timezone.localdate)
