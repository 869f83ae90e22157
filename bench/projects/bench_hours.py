"""Service-hour benchmark: creating a record with all checks vs a plain insert into the same
table, each in its own transaction as in a request, and the worker's yearly summary. Runs
against the configured database (seed the demo first: ``manage.py seed_demo [--size large]``)
in the free 00:00–08:00 slots of the last 7 days; the rows it makes are deleted at the end.

    DATABASE_URL=... .venv/bin/python bench/projects/bench_hours.py [--n 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.core.selectors import policy_current  # noqa: E402
from apps.projects.models import ProjectTeamMember, ServiceLog  # noqa: E402
from apps.projects.selectors import worker_hours_summary  # noqa: E402
from apps.projects.services import service_hours, service_log_create  # noqa: E402


def _stats(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return (
        f"{name:<34} n={len(samples):>4}  median={statistics.median(samples) * 1000:7.2f} ms  p95={p95 * 1000:7.2f} ms"
    )


def slots(n: int, worker):
    """n ten-minute slots between 00:00 and 08:00 over the last 7 days (inside the logging window),
    clear of the worker's own records and within the daily cap: a day already holding records
    (the large city fills many) gets only the minutes its cap leaves."""
    today = timezone.localdate()
    cap = policy_current().daily_hours_cap
    out = []
    for back in range(1, 8):
        day = today - dt.timedelta(days=back)
        logs = list(ServiceLog.objects.filter(worker=worker, date=day, status__in=ServiceLog.LIVE_STATUSES))
        room = int((cap - sum((log.hours for log in logs), Decimal(0))) * 60) // 10
        for k in range(48):
            if room <= 0:
                break
            minutes = k * 10
            start = dt.time(minutes // 60, minutes % 60)
            end_minutes = minutes + 10
            end = dt.time(end_minutes // 60, end_minutes % 60)
            if any(log.start_time < end and start < log.end_time for log in logs):
                continue
            out.append((day, start, end))
            room -= 1
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    today = timezone.localdate()
    member = (
        ProjectTeamMember.objects.filter(
            project__status="active",
            project__start_date__lte=today - dt.timedelta(days=7),
            project__end_date__gte=today,
            start_date__lte=today - dt.timedelta(days=7),
            worker__verified=True,
            end_date__isnull=True,
        )
        # the worker with the least logged in the last week, so the daily cap leaves the most room
        # (the large city fills many days)
        .annotate(
            recent=Count("worker__service_logs", filter=Q(worker__service_logs__date__gte=today - dt.timedelta(days=8)))
        )
        .select_related("project", "worker")
        .order_by("recent", "id")
        .first()
    )
    if member is None:
        sys.exit("No active project with a team over the last 7 days: run manage.py seed_demo first.")
    worker, project = member.worker, member.project
    print(f"database: {connection.vendor}; service_log rows: {ServiceLog.objects.count()}")
    created = []
    try:
        plain, checked = [], []
        # Interleaved, so that both series meet the same machine load (the baseline is in the
        # same run, sample by sample); the plain rows go 400 days back, clear of the checked ones.
        free = slots(args.n, worker)
        if len(free) < args.n:
            print(f"only {len(free)} free slots in the last 7 days for {worker}; timing those")
        for i, (date, start, end) in enumerate(free):
            steps = [("plain", date, start, end), ("checked", date, start, end)]
            for kind, day, t_start, t_end in steps if i % 2 == 0 else steps[::-1]:
                t0 = time.perf_counter()
                if kind == "plain":
                    log = ServiceLog.objects.create(
                        worker=worker,
                        project=project,
                        date=day - dt.timedelta(days=400),
                        start_time=t_start,
                        end_time=t_end,
                        place="基准",
                        content="基准",
                        beneficiaries_served=1,
                        hours=service_hours(t_start, t_end),
                    )
                    plain.append(time.perf_counter() - t0)
                else:
                    log = service_log_create(
                        worker=worker,
                        project=project,
                        date=day,
                        start_time=t_start,
                        end_time=t_end,
                        place="基准",
                        content="基准",
                        beneficiaries_served=1,
                    )
                    checked.append(time.perf_counter() - t0)
                created.append(log.pk)
        with CaptureQueriesContext(connection) as queries:
            log = service_log_create(
                worker=worker,
                project=project,
                date=today - dt.timedelta(days=1),
                start_time=dt.time(8, 0),
                end_time=dt.time(8, 10),
                place="基准",
                content="基准",
                beneficiaries_served=1,
            )
        created.append(log.pk)
        statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
        print(f"statements per checked record: {len(statements)} ({', '.join(statements)})")
        summary = []
        for _ in range(200):
            t0 = time.perf_counter()
            worker_hours_summary(worker=worker, year=today.year)
            summary.append(time.perf_counter() - t0)
        print(_stats("plain insert (baseline)", plain))
        print(_stats("service_log_create (all checks)", checked))
        print(f"ratio of medians: {statistics.median(checked) / statistics.median(plain):.1f}x")
        print(_stats("worker_hours_summary(year)", summary))
    finally:
        ServiceLog.objects.filter(pk__in=created).delete()


if __name__ == "__main__":
    main()
