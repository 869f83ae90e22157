"""Shared harness of the benchmarks on the large demo city (``seed_demo --size large``).

Requests go through the whole Django stack in this process (``django.test.Client``: URL routing,
middleware, sessions, DRF, templates); "server time" is the time of ``client.get``. The floor is a
trivial DRF ``APIView`` returning a constant, routed by this module's URLconf in front of the
project's, and timed in the same run, interleaved with the measured URLs so load changes on the
shared machine hit both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/<area>/<script>.py
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics, pagination, serializers  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from apps.bidding.models import Need  # noqa: E402


class Floor(APIView):
    """The framework's floor: DRF with the project's settings, no database work."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


def _minimal_list_view():
    """A second floor for list endpoints: the least a DRF list of needs can do. A generic
    ListAPIView over the same table with a plain ModelSerializer of the need's own columns, page
    number pagination of 20 and an exact count, no filters, no visibility rule, no related rows."""

    class MinimalNeed(serializers.ModelSerializer):
        class Meta:
            model = Need
            fields = ["id", "title", "status", "budget_min", "budget_max", "bid_deadline", "community", "category"]

    class Pages(pagination.PageNumberPagination):
        page_size = 20

    class MinimalList(generics.ListAPIView):
        permission_classes = [AllowAny]
        queryset = Need.objects.order_by("-id")
        serializer_class = MinimalNeed
        pagination_class = Pages

    return MinimalList.as_view()


urlpatterns = [
    path("bench/floor/", Floor.as_view()),
    path("bench/floor-list/", _minimal_list_view()),
    *import_module(settings.ROOT_URLCONF).urlpatterns,
]
FLOOR = "/bench/floor/"
LIST_FLOOR = "/bench/floor-list/"


def client() -> Client:
    setup_test_environment()
    settings.ROOT_URLCONF = "large_harness"
    return Client()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * q) - 1)] if ordered else 0.0


def measure(c: Client, urls: list[str], *, rounds: int = 30, warmup: int = 3) -> dict[str, list[float]]:
    """Milliseconds per URL (plus the floor), round-robin so both see the same machine load."""
    for url in [FLOOR, *urls]:
        for _ in range(warmup):
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
    timings: dict[str, list[float]] = {url: [] for url in [FLOOR, *urls]}
    for _ in range(rounds):
        for url in timings:
            start = time.perf_counter()
            response = c.get(url)
            timings[url].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return timings


def queries(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        c.get(url)
    return len(ctx.captured_queries)


def report(c: Client, timings: dict[str, list[float]], *, target=None) -> None:
    """Prints a Markdown table: median, p95, ratio of p95 to the floor's p95, queries."""
    floor_p95 = percentile(timings[FLOOR], 0.95)
    load = os.getloadavg()
    print(f"{connection.vendor}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {len(timings[FLOOR])} rounds")
    if LIST_FLOOR in timings:
        print("| URL | median | p95 | p95 / floor p95 | p95 / list floor p95 | queries |")
        print("|---|---|---|---|---|---|")
    else:
        print("| URL | median | p95 | p95 / floor p95 | queries |")
        print("|---|---|---|---|---|")
    for url, samples in timings.items():
        p95 = percentile(samples, 0.95)
        ratio = "—" if url == FLOOR else f"{p95 / floor_p95:.1f}×"
        list_ratio = ""
        if LIST_FLOOR in timings:
            list_p95 = percentile(timings[LIST_FLOOR], 0.95)
            list_ratio = " | —" if url in (FLOOR, LIST_FLOOR) else f" | {p95 / list_p95:.1f}×"
        label = {
            FLOOR: "floor (trivial DRF APIView)",
            LIST_FLOOR: "list floor (minimal DRF ListAPIView, 20 needs)",
        }.get(url, f"`{url}`")
        print(
            f"| {label} | {statistics.median(samples):.1f} ms | {p95:.1f} ms | {ratio}{list_ratio} | {queries(c, url)} |"
        )
    if target:
        print(target)
