"""No two live (submitted, approved or confirmed) records of one worker ever overlap, whatever
the sequence of submissions, approvals, confirmations and rejections."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import ApplicationError
from apps.projects.models import ServiceLog
from apps.projects.services import service_log_approve, service_log_confirm, service_log_create, service_log_reject

slot = st.tuples(
    st.integers(min_value=0, max_value=1),  # which worker
    st.integers(min_value=1, max_value=3),  # days back
    st.integers(min_value=0, max_value=47),  # start in half hours
    st.integers(min_value=1, max_value=12),  # length in half hours
    st.sampled_from(["none", "approve", "confirm", "reject"]),
)


def _time(half_hours: int) -> dt.time:
    return dt.time(half_hours // 2, 30 * (half_hours % 2))


def _assert_no_live_overlap():
    live = list(
        ServiceLog.objects.filter(status__in=ServiceLog.LIVE_STATUSES).order_by("worker_id", "date", "start_time")
    )
    for a, b in zip(live, live[1:], strict=False):
        if (a.worker_id, a.date) == (b.worker_id, b.date):
            assert a.end_time <= b.start_time, (a, b)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(slot, min_size=1, max_size=14))
def test_random_submission_sequences_never_create_overlaps(scene, steps):
    ServiceLog.objects.all().delete()
    workers = [scene.worker, scene.worker2]
    today = timezone.localdate()
    for who, back, start, length, then in steps:
        end = min(start + length, 47)
        if end <= start:
            continue
        try:
            log = service_log_create(
                worker=workers[who],
                project=scene.project,
                date=today - dt.timedelta(days=back),
                start_time=_time(start),
                end_time=_time(end) if end < 48 else dt.time(23, 59),
                place="活动室",
                content="服务",
                beneficiaries_served=1,
            )
        except ApplicationError:
            continue
        if then in ("approve", "confirm"):
            service_log_approve(actor=scene.org_admin, log=log)
        if then == "confirm":
            service_log_confirm(actor=scene.staff, log=log)
        if then == "reject":
            service_log_reject(actor=scene.org_admin, log=log, reason="不符")
        _assert_no_live_overlap()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_overlapping_submissions_only_one_succeeds(scene):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serializes writers by IMMEDIATE transactions")
    day = timezone.localdate() - dt.timedelta(days=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(start, end):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            service_log_create(
                worker=scene.worker,
                project=scene.project,
                date=day,
                start_time=start,
                end_time=end,
                place="活动室",
                content="服务",
                beneficiaries_served=1,
            )
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.field_errors)
        finally:
            connection.close()

    for _ in range(5):
        ServiceLog.objects.all().delete()
        outcomes.clear()
        threads = [
            threading.Thread(target=submit, args=(dt.time(9, 0), dt.time(11, 0))),
            threading.Thread(target=submit, args=(dt.time(10, 0), dt.time(12, 0))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes.count("ok") == 1, outcomes
        assert ServiceLog.objects.filter(worker=scene.worker).count() == 1
