"""Check-in storm (#22): 200 workers check in to 20 shifts within a minute, from concurrent
clients, compared with a plain INSERT into the same table (shifts_attendance) made by the same
clients in the same run, interleaved. Builds its own scene (a project, 200 workers on its team,
20 shifts starting in five minutes, a community member whose code they scan) in the database
``DATABASE_URL`` names (migrated; PostgreSQL for the figures), and leaves it there.

    DATABASE_URL=postgres://root@127.0.0.1:5432/sanshe_bench_shifts .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://root@127.0.0.1:5432/sanshe_bench_shifts .venv/bin/python bench/shifts/bench_checkin.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.services import membership_add  # noqa: E402
from apps.core.errors import ApplicationError  # noqa: E402
from apps.core.models import Category  # noqa: E402
from apps.core.selectors import policy_current  # noqa: E402
from apps.regions.demo import CATEGORIES  # noqa: E402
from apps.shifts import codes  # noqa: E402
from apps.shifts.models import Attendance, Shift  # noqa: E402
from apps.shifts.services import shift_check_in  # noqa: E402
from tests.factories.core import OrganizationFactory, RegionFactory, SocialWorkerFactory, UserFactory  # noqa: E402
from tests.factories.projects import make_project  # noqa: E402


def p95(samples: list[float]) -> float:
    samples = sorted(samples)
    return samples[max(0, int(len(samples) * 0.95) - 1)]


def scene(workers: int, shifts: int):
    Category.objects.bulk_create(
        [Category(code=c, name=zh, name_en=en, sort_order=i) for i, (c, zh, en) in enumerate(CATEGORIES)],
        ignore_conflicts=True,
    )
    tag = f"{int(time.time())}"
    # A fresh run in a database an earlier run wrote to: factory sequences start past its rows.
    offset = int(tag) % 1_000_000 * 1000
    for made_by in (UserFactory, SocialWorkerFactory, OrganizationFactory):
        made_by.reset_sequence(offset)
    city = RegionFactory(code=f"9{tag[-11:]}", name="基准市", level="city")
    district = RegionFactory(code=f"8{tag[-11:]}", name="基准区", level="district", parent=city)
    community = RegionFactory(code=f"7{tag[-11:]}", name="基准社区", level="community", parent=district)
    org = OrganizationFactory(region=district)
    admin = UserFactory()
    membership_add(user=admin, role="org_admin", organization=org)
    witness = UserFactory()
    membership_add(user=witness, role="community_staff", community=community)
    people = []
    for _ in range(workers):
        worker = SocialWorkerFactory()
        membership_add(user=worker.user, role="social_worker", organization=org)
        people.append(worker)
    project = make_project(community=community, organization=org, workers=people, title="签到压测项目")
    start = timezone.now() + dt.timedelta(minutes=5)
    made = [
        Shift.objects.create(
            project=project,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="社区党群服务中心",
            capacity=workers // shifts,
            min_worker_level="assistant",
            content="压测",
            created_by=admin,
        )
        for _ in range(shifts)
    ]
    now = timezone.now()
    Attendance.objects.bulk_create(
        [Attendance(shift=made[i % shifts], worker=w, signed_up_at=now) for i, w in enumerate(people)]
    )
    spare = Shift.objects.create(
        project=project,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="基线",
        capacity=500,
        min_worker_level="assistant",
        content="基线插入",
        created_by=admin,
    )
    return people, made, witness, spare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--shifts", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with transaction.atomic():
        people, shifts, witness, spare = scene(args.workers, args.shifts)
    seconds = policy_current().checkin_code_seconds
    by_worker = {a.worker_id: a.shift for a in Attendance.objects.filter(shift__in=shifts).select_related("shift")}
    todo = list(people)
    lock = threading.Lock()
    checkin, plain, errors = [], [], []

    def client():
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    worker = todo.pop()
                shift = by_worker[worker.pk]
                code = codes.rotating_code(
                    shift_id=shift.pk, witness_id=witness.pk, seconds=seconds, now=timezone.now()
                )
                started = time.perf_counter()
                try:
                    shift_check_in(actor=worker.user, worker=worker, shift=shift, code=code.short)
                    checkin.append(time.perf_counter() - started)
                except ApplicationError as exc:
                    errors.append(f"{worker.pk}: {exc.message or exc.field_errors}")
                started = time.perf_counter()
                with transaction.atomic():
                    Attendance.objects.create(shift=spare, worker=worker, signed_up_at=timezone.now())
                plain.append(time.perf_counter() - started)
        finally:
            close_old_connections()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    print(f"database: {connection.vendor}; {args.workers} workers, {args.shifts} shifts, {args.clients} clients")
    print(f"storm took {took:.1f} s; errors: {len(errors)}")
    for line in errors[:10]:
        print("  ", line)
    print(
        f"check-in  n={len(checkin)} median={statistics.median(checkin) * 1000:.1f} ms p95={p95(checkin) * 1000:.1f} ms"
    )
    print(f"plain insert n={len(plain)} median={statistics.median(plain) * 1000:.1f} ms p95={p95(plain) * 1000:.1f} ms")
    print(f"p95 ratio: {p95(checkin) / p95(plain):.2f}x (target <= 5x)")
    checked = Attendance.objects.filter(shift__in=shifts, status="checked_in").count()
    print(f"checked in: {checked} of {args.workers}")


if __name__ == "__main__":
    main()
