"""The reads that partitioning by year must keep fast, on the large demo city: the worker's yearly
summary (``worker_hours_summary``), the district dashboard's rollup source (``hours_figures`` of a
month and of a year, what ``stats_rollup`` reads) and the plan of the yearly summary (on the
partitioned table it reads one partition). Run it before and after ``migrate projects 0007``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/projects/bench_partitions.py
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import large_harness as h  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.projects import partitioning  # noqa: E402
from apps.projects.models import ServiceLog  # noqa: E402
from apps.projects.selectors import worker_hours_summary  # noqa: E402
from apps.stats.providers import hours_figures  # noqa: E402
from apps.workers.models import SocialWorker  # noqa: E402


def _timed(label: str, rounds: int, func) -> None:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    print(f"{label}: median {statistics.median(samples):.1f} ms, p95 {h.percentile(samples, 0.95):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    top = ServiceLog.objects.values("worker_id").annotate(n=Count("id")).order_by("-n").first()
    worker = SocialWorker.objects.get(pk=top["worker_id"])
    year = timezone.localdate().year
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    print(
        f"{ServiceLog.objects.count():,} records, partitioned: {partitioning.is_partitioned(connection)};"
        f" worker {worker.pk} has {top['n']:,}"
    )
    _timed(f"worker_hours_summary(year={year})", args.rounds, lambda: worker_hours_summary(worker=worker, year=year))
    first = month.replace(day=1)
    _timed(f"hours_figures({first}..{month})", args.rounds, lambda: hours_figures(first, month))
    _timed(
        f"hours_figures({year - 1})",
        max(3, args.rounds // 10),
        lambda: hours_figures(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
    )
    with CaptureQueriesContext(connection) as queries:
        worker_hours_summary(worker=worker, year=year)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries.captured_queries[-1]['sql']}")
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
