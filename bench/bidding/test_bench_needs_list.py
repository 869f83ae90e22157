"""Needs list API timing: ``DATABASE_URL=… .venv/bin/pytest bench/bidding -q -s -p no:randomly``.

Builds N published needs (each with 3 bids) with bulk inserts, then times GET /api/v1/needs/
with typical filters; prints median and p95 milliseconds and the query count per request.
"""

import datetime as dt
import os
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bidding import text_index
from apps.bidding.models import Need, Proposal
from apps.core.models import Category
from tests.bidding.conftest import World, _fast_password_hashing, world  # noqa: F401 - fixtures
from tests.conftest import _categories, api, city, make_user, worker_factory  # noqa: F401 - fixtures

N = int(os.environ.get("BENCH_NEEDS", "5000"))
QUERIES = [
    "",
    "?status=published&ordering=-budget_max",
    "?category=elderly&ordering=bid_deadline",
    "?region=510107000000&budget_min=50000",
    "?q=养老&page=3",
]


@pytest.mark.django_db
def test_needs_list_latency(api, world: World):  # noqa: F811
    categories = list(Category.objects.all())
    now = timezone.now()
    today = timezone.localdate()
    communities = [world.city.community, world.city.other_community]
    needs = Need.objects.bulk_create(
        [
            Need(
                community=communities[i % 2],
                title=f"社区养老服务需求{i}" if i % 3 == 0 else f"儿童服务需求{i}",
                description="服务描述",
                category=categories[i % len(categories)],
                beneficiaries=50,
                budget_min=Decimal(10000 + i),
                budget_max=Decimal(90000 + i),
                service_start=today + dt.timedelta(days=60),
                service_end=today + dt.timedelta(days=300),
                min_worker_level="assistant",
                workers_needed=2,
                bid_deadline=now + dt.timedelta(days=10, minutes=i),
                status="published",
                published_at=now - dt.timedelta(minutes=i),
                created_by=world.staff,
            )
            for i in range(N)
        ],
        batch_size=1000,
    )
    Proposal.objects.bulk_create(
        [
            Proposal(
                need=need,
                organization=org,
                title="方案",
                summary="s",
                approach="a",
                total_amount=Decimal("50000.00"),
                status="submitted",
                submitted_at=now,
                created_by=world.a.admin,
            )
            for need in needs[: N // 2]
            for org in (world.a.org, world.b.org)
        ],
        batch_size=2000,
    )
    # Bulk inserts skip the save that indexes a need for `q=` (the repair job's work in production).
    text_index.rebuild(only_missing=True)
    for query in QUERIES:
        timings = []
        for _ in range(15):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = api.get("/api/v1/needs/" + query)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        print(
            f"{connection.vendor} N={N} GET /api/v1/needs/{query or ''}: median {statistics.median(timings):.1f} ms,"
            f" p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, {len(ctx.captured_queries)} queries"
        )
