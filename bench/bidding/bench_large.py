"""Needs list API and page on the large demo city vs a trivial DRF endpoint, same process and run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/bidding/bench_large.py

Seed first: ``manage.py seed_demo --size large`` (≥100,000 needs). Target: p95 ≤ 3× the floor's p95.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import large_harness as h  # noqa: E402

from apps.bidding.models import Need  # noqa: E402

URLS = [
    h.LIST_FLOOR,
    "/api/v1/needs/",
    "/api/v1/needs/?status=published&ordering=-budget_max",
    "/api/v1/needs/?category=elderly&ordering=bid_deadline",
    "/api/v1/needs/?region=510107000000&budget_min=50000",
    "/api/v1/needs/?q=老人&page=3",
    "/api/v1/needs/?page=200",
    "/needs/",
    "/needs/?status=published",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    c = h.client()
    print(f"{Need.objects.count():,} needs")
    h.report(c, h.measure(c, URLS, rounds=args.rounds), target="target: p95 ≤ 3× the floor's p95")


if __name__ == "__main__":
    main()
