"""Service-hour records partitioned by year on PostgreSQL (#24): each record lands in its year's
partition (far dates in the DEFAULT one), the database still refuses what the foreign keys
refused, the yearly summary reads one partition, and the migration keeps every record with its
id. On SQLite nothing changes."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.projects import partitioning
from apps.projects.models import ServiceLog, ServiceLogAmendment
from apps.projects.selectors import worker_hours_summary
from apps.projects.services import servicelog_partitions_ensure
from apps.stats.providers import hours_figures
from tests.factories.projects import ServiceLogFactory
from tests.factories.shifts import AttendanceFactory, ShiftFactory
from tests.sql import rows

MIGRATION = importlib.import_module("apps.projects.migrations.0007_servicelog_partitioned_by_year")
THIS_YEAR = timezone.localdate().year
postgres = pytest.mark.postgres


def _partition_of(log) -> str:
    return rows("SELECT tableoid::regclass::text FROM projects_servicelog WHERE id = %s", [log.pk])[0][0]


def _refused(sql, params=None):
    """Run ``sql`` and check the deferred triggers at once, as a commit would."""
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _checked():
    """Check the deferred references now (as a commit would); DDL needs none pending."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _linked(log_a, log_b):
    """An amendment (log_a corrected by log_b) and a shift attendance that made log_a."""
    amendment = ServiceLogAmendment.objects.create(
        original=log_a, replacement=log_b, reason="时间记错", requested_by=log_a.worker.user
    )
    shift = ShiftFactory(project=log_a.project)
    attendance = AttendanceFactory(shift=shift, worker=log_a.worker, service_log=log_a)
    return amendment, attendance


@postgres
def test_records_land_in_their_years_partition_and_far_dates_in_the_default(db):
    this_year = ServiceLogFactory(date=dt.date(THIS_YEAR, 3, 1))
    next_year = ServiceLogFactory(date=dt.date(THIS_YEAR + 1, 1, 1), project=this_year.project)
    far = ServiceLogFactory(date=dt.date(THIS_YEAR + 40, 6, 30), project=this_year.project)
    old = ServiceLogFactory(date=dt.date(1999, 12, 31), project=this_year.project)
    assert _partition_of(this_year) == f"projects_servicelog_{THIS_YEAR}"
    assert _partition_of(next_year) == f"projects_servicelog_{THIS_YEAR + 1}"
    assert _partition_of(far) == _partition_of(old) == "projects_servicelog_default"
    assert set(ServiceLog.objects.values_list("pk", flat=True)) == {this_year.pk, next_year.pk, far.pk, old.pk}


@postgres
def test_the_partition_job_makes_next_years_and_moves_its_records_out_of_the_default(db):
    later = THIS_YEAR + 5
    log = ServiceLogFactory(date=dt.date(later, 2, 1))
    other = ServiceLogFactory(date=dt.date(THIS_YEAR, 2, 1), project=log.project)
    _linked(log, other)
    assert _partition_of(log) == "projects_servicelog_default"

    assert servicelog_partitions_ensure(today=dt.date(later - 1, 12, 1)) == [later - 1, later]
    assert _partition_of(log) == f"projects_servicelog_{later}"
    assert servicelog_partitions_ensure(today=dt.date(later - 1, 12, 1)) == []  # made once
    _checked()  # the moved record is still the one the amendment and the attendance name
    log.refresh_from_db()
    assert log.amendments.get().replacement == other and log.attendance.service_log_id == log.pk


@postgres
def test_the_database_refuses_a_reference_to_a_missing_record(db):
    log = ServiceLogFactory()
    other = ServiceLogFactory(project=log.project)
    amendment, attendance = _linked(log, other)
    _checked()  # the rows as written pass; each refusal below is the change it makes
    missing = ServiceLog.objects.order_by("-pk").first().pk + 1000
    _refused("UPDATE shifts_attendance SET service_log_id = %s WHERE id = %s", [missing, attendance.pk])
    _refused("UPDATE projects_servicelogamendment SET original_id = %s WHERE id = %s", [missing, amendment.pk])
    _refused("UPDATE projects_servicelogamendment SET replacement_id = %s WHERE id = %s", [missing, amendment.pk])
    _refused(
        "INSERT INTO projects_servicelogamendment (original_id, replacement_id, reason, requested_by_id, created_at) "
        "VALUES (%s, %s, 'x', %s, now())",
        [missing, log.pk, log.worker.user_id],
    )
    _checked()  # the rows as they are pass


@postgres
def test_the_database_refuses_deleting_or_renumbering_a_referenced_record(db):
    log = ServiceLogFactory()
    other = ServiceLogFactory(project=log.project)
    _linked(log, other)
    _checked()  # the rows as written pass; each refusal below is the change it makes
    with pytest.raises(ProtectedError):
        log.delete()
    _refused("DELETE FROM projects_servicelog WHERE id = %s", [log.pk])
    _refused("DELETE FROM projects_servicelog WHERE id = %s", [other.pk])  # the replacement
    _refused("UPDATE projects_servicelog SET id = id + 100000 WHERE id = %s", [log.pk])
    # a record nothing names is deleted as before, and one that changes year stays referenced
    loose = ServiceLogFactory(project=log.project, status=ServiceLog.Status.SUBMITTED)
    loose.delete()
    ServiceLog.objects.filter(pk=log.pk).update(date=dt.date(THIS_YEAR + 1, 1, 2))
    _checked()
    assert _partition_of(log) == f"projects_servicelog_{THIS_YEAR + 1}"


@postgres
def test_a_record_id_stays_unique_across_partitions(db):
    log = ServiceLogFactory(date=dt.date(THIS_YEAR, 5, 1))
    columns = [f.column for f in ServiceLog._meta.concrete_fields if f.column != "date"]
    cols = ", ".join(f'"{c}"' for c in columns)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows(  # the same id in another year's partition: the (id, date) key alone would allow it
            f"INSERT INTO projects_servicelog ({cols}, date) "  # noqa: S608
            f"SELECT {cols}, date + 400 FROM projects_servicelog WHERE id = %s RETURNING id",
            [log.pk],
        )
    assert ServiceLog.objects.filter(pk=log.pk).count() == 1


def _plan(queries) -> str:
    """EXPLAIN of the captured query that reads the records (its values are in the SQL)."""
    sql = next(q["sql"] for q in queries if "projects_servicelog" in q["sql"])
    return "\n".join(row[0] for row in rows(f"EXPLAIN {sql}"))


@postgres
def test_the_yearly_summary_and_the_dashboard_rollup_read_one_partition(db):
    log = ServiceLogFactory(date=dt.date(THIS_YEAR, 4, 1))
    ServiceLogFactory(date=dt.date(THIS_YEAR + 1, 4, 1), worker=log.worker, project=log.project)
    with CaptureQueriesContext(connection) as summary:
        assert worker_hours_summary(worker=log.worker, year=THIS_YEAR)["confirmed_hours"] == Decimal("8.00")
    with CaptureQueriesContext(connection) as rollup:
        assert len(hours_figures(dt.date(THIS_YEAR, 4, 1), dt.date(THIS_YEAR, 4, 30))) == 1
    for queries in (summary, rollup):
        plan = _plan(queries.captured_queries)
        assert f"projects_servicelog_{THIS_YEAR}" in plan, plan
        assert f"projects_servicelog_{THIS_YEAR + 1}" not in plan and "projects_servicelog_default" not in plan, plan


def _indexes(table) -> set[str]:
    return {
        row[0]
        for row in rows(
            "SELECT regexp_replace(pg_get_indexdef(indexrelid), '^.* USING ', '') FROM pg_index "
            "WHERE indrelid = %s::regclass",
            [table],
        )
    }


@postgres
def test_the_migration_moves_every_record_with_its_id_and_can_be_undone(db):
    first = ServiceLogFactory(date=dt.date(THIS_YEAR - 3, 7, 1))
    second = ServiceLogFactory(date=dt.date(THIS_YEAR, 7, 1), project=first.project)
    amendment, attendance = _linked(first, second)
    _checked()
    with connection.schema_editor() as editor:
        MIGRATION.unpartition(django_apps, editor)
    assert rows("SELECT relkind FROM pg_class WHERE relname = 'projects_servicelog'") == [("r",)]
    plain_indexes = _indexes("projects_servicelog")
    _refused("UPDATE shifts_attendance SET service_log_id = -1 WHERE id = %s", [attendance.pk])  # a real FK again
    kept = ServiceLogFactory(date=dt.date(THIS_YEAR - 3, 8, 1), project=first.project)  # written before migrating
    before = sorted(ServiceLog.objects.values_list("pk", "date", "hours", "status"))
    _checked()
    with connection.schema_editor() as editor:
        MIGRATION.partition(django_apps, editor)
    assert sorted(ServiceLog.objects.values_list("pk", "date", "hours", "status")) == before
    assert _partition_of(first) == _partition_of(kept) == f"projects_servicelog_{THIS_YEAR - 3}"
    assert _partition_of(second) == f"projects_servicelog_{THIS_YEAR}"
    partitions = [
        r[0]
        for r in rows(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'projects_servicelog'::regclass"
        )
    ]
    assert f"projects_servicelog_{THIS_YEAR + 1}" in partitions and "projects_servicelog_default" in partitions
    # every index of the plain table is on the parent and on each partition (the key gains the date)
    assert _indexes("projects_servicelog") == (plain_indexes - {"btree (id)"}) | {"btree (id, date)"}
    for name in partitions:
        assert _indexes(name) == _indexes("projects_servicelog"), name
    # the sequence goes on after the kept ids, and the links still hold
    assert ServiceLogFactory(project=first.project).pk > max(pk for pk, *_ in before)
    assert ServiceLogAmendment.objects.get(pk=amendment.pk).original == first
    _refused("UPDATE shifts_attendance SET service_log_id = -1 WHERE id = %s", [attendance.pk])
    _checked()


def test_the_model_works_the_same_on_every_database(db):
    """On SQLite the table stays a plain table: the job has nothing to do, references and
    PROTECT hold as before."""
    log = ServiceLogFactory(date=dt.date(THIS_YEAR, 1, 15))
    other = ServiceLogFactory(date=dt.date(THIS_YEAR - 1, 12, 31), project=log.project, worker=log.worker)
    amendment, attendance = _linked(log, other)
    assert worker_hours_summary(worker=log.worker, year=THIS_YEAR)["confirmed_hours"] == Decimal("8.00")
    assert log.amendments.get() == amendment and log.attendance == attendance and other.amendment_of == amendment
    with pytest.raises(ProtectedError):
        other.delete()
    if connection.vendor == "sqlite":
        assert servicelog_partitions_ensure(today=timezone.localdate()) == []
        assert not partitioning.is_partitioned(connection)
        assert rows("SELECT type FROM sqlite_master WHERE name = 'projects_servicelog'") == [("table",)]
