"""Shared by the cooperative tests: a year's profit recorded the way the cooperative's managers
record it (with its financial statement)."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.cooperatives.models import Cooperative
from tests.factories.cooperatives import CooperativeProfitFactory


def founded(coop_id, on=dt.date(2015, 3, 1)) -> Cooperative:
    """The cooperative was founded years ago (fiscal years run from its founding year)."""
    Cooperative.objects.filter(pk=coop_id).update(registered_on=on)
    return Cooperative.objects.get(pk=coop_id)


def profit(coop, user, year, amount):
    """Record ``amount`` (yuan) as the profit of ``year`` (the cooperative must be founded by then)."""
    return CooperativeProfitFactory(actor=user, cooperative=founded(coop.pk), fiscal_year=year, amount=Decimal(amount))


@pytest.fixture
def staff(make_user, city):
    """The cooperative's manager: community staff of its community."""
    return make_user("community_staff", community=city.community)


@pytest.fixture
def manager(make_user, city):
    """The community fund's manager, who approves distributions."""
    return make_user("fund_manager", fund=city.fund)


@pytest.fixture
def coop_created(api, staff, city) -> dict:
    """A cooperative registered through the API (its JSON), founded in 2015."""
    r = api.as_user(staff).post(
        "/api/v1/cooperatives/",
        {"name": "玉林东路社区股份经济合作社", "community": city.community.code, "registered_capital": "500000.00"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    founded(r.json()["id"])
    return r.json()
