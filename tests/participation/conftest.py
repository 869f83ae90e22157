from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.participation.models import Suggestion
from tests.factories.participation import SuggestionFactory


@dataclass
class People:
    resident: object
    resident2: object
    resident3: object
    other_resident: object
    staff: object
    other_staff: object
    grid: object
    officer: object
    outsider: object
    suggestion: Suggestion


@pytest.fixture
def people(city, make_user) -> People:
    resident = make_user("resident", community=city.community)
    return People(
        resident=resident,
        resident2=make_user("resident", community=city.community),
        resident3=make_user("resident", community=city.community),
        other_resident=make_user("resident", community=city.other_community),
        staff=make_user("community_staff", community=city.community),
        other_staff=make_user("community_staff", community=city.other_community),
        grid=make_user("grid_worker", community=city.community),
        officer=make_user("street_officer", region=city.street),
        outsider=make_user(),
        suggestion=SuggestionFactory(community=city.community, author=resident),
    )


def need_terms(today, days, **overrides) -> dict:
    """The draft need's terms as ``POST suggestions/{id}/adopt/`` takes them."""
    terms = {
        "beneficiaries": 80,
        "budget_min": "20000.00",
        "budget_max": "60000.00",
        "service_start": str(today + days(30)),
        "service_end": str(today + days(200)),
        "min_worker_level": "assistant",
        "workers_needed": 1,
        "bid_deadline": (timezone.now() + days(10)).isoformat(),
    }
    return terms | overrides
