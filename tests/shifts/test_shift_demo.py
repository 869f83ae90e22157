import random

import pytest

from apps.core.demo import DemoContext, demo_plan
from apps.projects.models import ServiceLog
from apps.shifts.models import Attendance, Shift


@pytest.mark.slow
def test_demo_seeds_shifts_with_attendance_in_every_state(db):
    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    for step in demo_plan("small", upto=("shifts",)):
        step.func(ctx)
    assert Shift.objects.filter(starts_at__gt=ctx.now).exists()
    assert Shift.objects.filter(ends_at__lt=ctx.now).exists()
    statuses = set(Attendance.objects.values_list("status", flat=True))
    expected = {s.value for s in Attendance.Status}
    if not Attendance.objects.filter(status="checked_in").exists():
        expected.discard("checked_in")  # seeded late in the evening: no shift around now
    assert statuses == expected
    logs = ServiceLog.objects.filter(evidence="checkin")
    assert {"confirmed", "submitted"} <= set(logs.values_list("status", flat=True))
    assert all(log.witness_id and log.witness_role == "community_staff" for log in logs)
