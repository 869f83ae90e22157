"""The worker's yearly hours summary on the large demo city (≥1,000,000 records): the selector
(``worker_hours_summary``) and the ``hours-summary`` endpoint, for the worker with the most
records, vs a trivial DRF endpoint in the same process and run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/projects/bench_summary.py

Target: p95 < 50 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import large_harness as h  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.projects.models import ServiceLog  # noqa: E402
from apps.projects.selectors import worker_hours_summary  # noqa: E402
from apps.workers.models import SocialWorker  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    top = ServiceLog.objects.values("worker_id").annotate(n=Count("id")).order_by("-n").first()
    worker = SocialWorker.objects.select_related("user").get(pk=top["worker_id"])
    year = timezone.localdate().year
    print(f"{ServiceLog.objects.count():,} records; worker {worker.pk} has {top['n']:,}")
    for y in (year, year - 1):
        samples = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            summary = worker_hours_summary(worker=worker, year=y)
            samples.append((time.perf_counter() - start) * 1000)
        print(
            f"worker_hours_summary(year={y}): {summary['confirmed_hours']} h on {len(summary['projects'])} projects;"
            f" median {statistics.median(samples):.1f} ms, p95 {h.percentile(samples, 0.95):.1f} ms"
        )
    c = h.client()
    c.force_login(worker.user)
    urls = [f"/api/v1/workers/{worker.pk}/hours-summary/?year={y}" for y in (year, year - 1)]
    h.report(c, h.measure(c, urls, rounds=args.rounds), target="target: p95 < 50 ms")


if __name__ == "__main__":
    main()
