"""Fixtures of the bidding journey: a community, two verified bidding organizations with
qualified workers, a panel pool, and needs in any status (tests/factories/bidding.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.bidding.models import Need, Proposal
from tests.factories import bidding as factories
from tests.factories.core import OrganizationFactory

pass_deadline = factories.deadline_passed


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


@pytest.fixture
def make_need(world):
    """make_need("draft", title=…) → a need of 玉林东路社区 written by its staff."""

    def _make(status="published", **overrides) -> Need:
        return factories.NeedFactory(
            **{"community": world.city.community, **overrides}, created_by=world.staff, status=status
        )

    return _make


def proposal_payload(need: Need, bidder: Bidder, *, amount="80000.00", **overrides) -> dict:
    return factories.proposal_payload(need, bidder.org, bidder.workers, amount=amount, **overrides)


@pytest.fixture
def make_bid(world):
    """Submit a bid through the service (before the deadline)."""

    def _make(need: Need, bidder: Bidder, *, amount="80000.00", now=None) -> Proposal:
        return factories.proposal_submitted(
            need=need, organization=bidder.org, actor=bidder.admin, workers=bidder.workers, amount=amount, now=now
        )

    return _make
