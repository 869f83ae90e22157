"""Two workers asking for a shift's last place at once: exactly one gets it (PostgreSQL row lock)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from apps.core.errors import StateConflict
from apps.shifts.models import Attendance, Shift
from apps.shifts.services import shift_signup
from apps.workers.models import SocialWorker
from tests.factories.shifts import ShiftFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_for_the_last_place_exactly_one_wins(scene):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    shift = ShiftFactory(
        project=scene.project,
        created_by=scene.org_admin,
        starts_at=timezone.now() + dt.timedelta(days=2),
        capacity=1,
    )
    workers = [scene.worker, scene.worker2]
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def sign_up(worker_id):
        try:
            worker = SocialWorker.objects.select_related("user").get(pk=worker_id)
            barrier.wait()
            shift_signup(actor=worker.user, worker=worker, shift=Shift.objects.get(pk=shift.pk))
            outcomes.append("ok")
        except StateConflict as exc:
            outcomes.append(exc.message)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign_up, args=(w.pk,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert len(outcomes) == 2
    assert Attendance.objects.filter(shift=shift, status__in=Attendance.HOLDING).count() == 1
