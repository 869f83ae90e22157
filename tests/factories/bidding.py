"""Bidding: needs in any status, proposals written as rows (for pages and lists) or submitted
through ``proposal_submit`` (where the bid's rules matter)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.bidding.models import Need, PanelReviewer, Proposal, ProposalMilestone, ProposalTeamMember
from apps.bidding.services import proposal_submit
from apps.core.models import Category
from tests.factories.core import OrganizationFactory, RegionFactory, UserFactory


def _today() -> dt.date:
    return timezone.localdate()


class NeedFactory(factory.django.DjangoModelFactory):
    """A published need of 玉林东路社区's kind, open for bids for ten more days; traits give the
    other statuses (``draft``, ``awarded``: served from 60 days ago for 180 days)."""

    class Meta:
        model = Need

    community = factory.SubFactory(RegionFactory, level="community")
    title = "玉林东路社区居家养老服务"
    description = "为辖区独居老人提供探访、助餐和健康监测服务。"
    category = factory.LazyFunction(lambda: Category.objects.get(code="elderly"))
    beneficiaries = 120
    beneficiary_group = "独居老人"
    budget_min = Decimal("50000.00")
    budget_max = Decimal("100000.00")
    service_start = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    service_end = factory.LazyFunction(lambda: _today() + dt.timedelta(days=300))
    min_worker_level = "intermediate"
    workers_needed = 2
    bid_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    created_by = factory.SubFactory(UserFactory)
    status = Need.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda need: None if need.status == Need.Status.DRAFT else timezone.now() - dt.timedelta(days=1)
    )

    class Params:
        draft = factory.Trait(status=Need.Status.DRAFT)
        awarded = factory.Trait(
            status=Need.Status.AWARDED,
            title="长者助餐与探访服务",
            description="为辖区独居老人提供助餐与探访。",
            beneficiaries=80,
            beneficiary_group="",
            budget_min=Decimal("10000.00"),
            budget_max=Decimal("200000.00"),
            service_start=factory.LazyFunction(lambda: _today() - dt.timedelta(days=60)),
            service_end=factory.LazyFunction(lambda: _today() + dt.timedelta(days=120)),
            min_worker_level="assistant",
            workers_needed=1,
            bid_deadline=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=70)),
            published_at=None,
        )


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal row (no budget lines, milestones or team unless added)."""

    class Meta:
        model = Proposal

    need = factory.SubFactory(NeedFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.LazyAttribute(lambda p: f"{p.organization.name}的服务方案")
    summary = "摘要"
    approach = "方法"
    total_amount = Decimal("80000.00")
    created_by = factory.SubFactory(UserFactory)


class ProposalMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalMilestone

    proposal = factory.SubFactory(ProposalFactory)
    position = factory.Sequence(int)
    title = factory.LazyAttribute(lambda m: f"第{m.position + 1}阶段")
    due_date = factory.LazyAttribute(lambda m: m.proposal.need.service_start + dt.timedelta(days=30 * (m.position + 1)))
    payment_percent = Decimal(100)


class ProposalTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalTeamMember

    proposal = factory.SubFactory(ProposalFactory)
    worker = factory.SubFactory("tests.factories.core.SocialWorkerFactory")
    role = "社工"


def proposal_payload(need: Need, bidder_org, workers, /, *, amount="80000.00", **overrides) -> dict:
    """A bid as the API takes it: two budget lines, two milestones, the first two workers."""
    payload = {
        "organization": bidder_org.pk,
        "title": f"{bidder_org.name}的服务方案",
        "summary": "三阶段服务",
        "approach": "入户探访、助餐、健康讲座。",
        "budget_lines": [
            {"item": "人员费用", "amount": str(Decimal(amount) - Decimal("10000.00"))},
            {"item": "活动物料", "amount": "10000.00"},
        ],
        "milestones": [
            {"title": "启动", "due_date": str(need.service_start), "payment_percent": "30"},
            {"title": "结项", "due_date": str(need.service_end), "payment_percent": "70"},
        ],
        "team": [{"worker": w.pk, "role": "社工"} for w in list(workers)[:2]],
    }
    payload.update(overrides)
    return payload


def bid_form_data(payload: dict, *, action: str = "submit") -> dict:
    """A ``proposal_payload`` as the bid page posts it: its rows as Django formsets
    (``budget-0-item``, ``milestones-0-due_date``…), the team as worker ids and the pressed button
    as ``action`` ("draft" or "submit")."""
    data = {name: payload[name] for name in ("organization", "title", "summary", "approach")}
    data["team"] = [member["worker"] for member in payload["team"]]
    data["action"] = action
    for prefix, rows in (("budget", payload["budget_lines"]), ("milestones", payload["milestones"])):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
        )
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def proposal_submitted(*, need: Need, organization, actor, workers, amount="80000.00", now=None) -> Proposal:
    """The bid of ``proposal_payload`` submitted through ``proposal_submit`` (before the deadline)."""
    need.refresh_from_db()
    payload = proposal_payload(need, organization, workers, amount=amount)
    return proposal_submit(
        actor=actor,
        need=need,
        organization=organization,
        title=payload["title"],
        summary=payload["summary"],
        approach=payload["approach"],
        budget_lines=[{"item": b["item"], "amount": Decimal(b["amount"])} for b in payload["budget_lines"]],
        milestones=[
            {
                "title": m["title"],
                "due_date": dt.date.fromisoformat(m["due_date"]),
                "payment_percent": Decimal(m["payment_percent"]),
            }
            for m in payload["milestones"]
        ],
        team=[{"worker": w, "role": "社工"} for w in list(workers)[:2]],
        now=now,
    )


def deadline_passed(need: Need) -> Need:
    """Time travel: move the deadline into the past through the ORM."""
    Need.objects.filter(pk=need.pk).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    need.refresh_from_db()
    return need


class PanelReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelReviewer

    need = factory.SubFactory(NeedFactory, status=Need.Status.EVALUATING)
    reviewer = factory.SubFactory(UserFactory)
