"""Fixtures of the bidding journey: a community, two verified bidding organizations with
qualified workers, a panel pool, and needs in any status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.bidding.models import Need, Proposal
from apps.bidding.services import proposal_submit
from apps.core.models import Category
from tests.factories.core import OrganizationFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world creates many users; PBKDF2 per user would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Bidder:
    org: object
    admin: object
    member: object
    workers: list


@dataclass
class World:
    city: object
    staff: object
    other_staff: object
    platform: object
    a: Bidder
    b: Bidder
    reviewers: list
    outsider: object


@pytest.fixture
def world(city, make_user, worker_factory) -> World:
    def bidder(n):
        org = OrganizationFactory(region=city.district)
        admin = make_user("org_admin", organization=org)
        member = make_user("org_member", organization=org)
        workers = [worker_factory(organization=org, level="intermediate") for _ in range(n)]
        return Bidder(org, admin, member, workers)

    return World(
        city=city,
        staff=make_user("community_staff", community=city.community),
        other_staff=make_user("community_staff", community=city.other_community),
        platform=make_user("platform_staff"),
        a=bidder(3),
        b=bidder(3),
        reviewers=[make_user("reviewer") for _ in range(5)],
        outsider=make_user(),
    )


def need_fields(city, **overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "community": city.community,
        "title": "玉林东路社区居家养老服务",
        "description": "为辖区独居老人提供探访、助餐和健康监测服务。",
        "category": Category.objects.get(code="elderly"),
        "beneficiaries": 120,
        "beneficiary_group": "独居老人",
        "budget_min": Decimal("50000.00"),
        "budget_max": Decimal("100000.00"),
        "service_start": today + dt.timedelta(days=30),
        "service_end": today + dt.timedelta(days=300),
        "min_worker_level": "intermediate",
        "workers_needed": 2,
        "bid_deadline": timezone.now() + dt.timedelta(days=10),
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_need(world):
    def _make(status="published", **overrides) -> Need:
        fields = need_fields(world.city, **overrides)
        return Need.objects.create(
            created_by=world.staff,
            status=status,
            published_at=None if status == "draft" else timezone.now() - dt.timedelta(days=1),
            **fields,
        )

    return _make


def proposal_payload(need: Need, bidder: Bidder, *, amount="80000.00", **overrides) -> dict:
    payload = {
        "organization": bidder.org.pk,
        "title": f"{bidder.org.name}的服务方案",
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
        "team": [{"worker": w.pk, "role": "社工"} for w in bidder.workers[:2]],
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_bid(world):
    """Submit a bid through the service (before the deadline)."""

    def _make(need: Need, bidder: Bidder, *, amount="80000.00", now=None) -> Proposal:
        need.refresh_from_db()
        payload = proposal_payload(need, bidder, amount=amount)
        return proposal_submit(
            actor=bidder.admin,
            need=need,
            organization=bidder.org,
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
            team=[{"worker": w, "role": "社工"} for w in bidder.workers[:2]],
            now=now,
        )

    return _make


def pass_deadline(need: Need) -> Need:
    """Time travel: move the deadline into the past through the ORM."""
    Need.objects.filter(pk=need.pk).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    need.refresh_from_db()
    return need
