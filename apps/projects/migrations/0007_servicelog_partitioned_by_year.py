"""Service-hour records partitioned by year on PostgreSQL (issue #24); nothing changes on SQLite.

``projects_servicelog`` becomes ``PARTITION BY RANGE (date)``: one partition per year present,
plus the last two years, this year and the next, and a DEFAULT partition. Every row is copied
with its id, and the id sequence goes on from where it was. The primary key becomes
``(id, date)`` and the foreign keys that pointed at ``id`` (amendments, shift attendance) become
constraint triggers; see
``apps/projects/partitioning.py`` for what holds each rule and how next year's partition is made
(the job ``projects_servicelog_partitions``). Django's state is unchanged: its primary key is
still ``id``.
"""

from django.db import migrations
from django.utils import timezone

from apps.projects import partitioning


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    partitioning.partition(schema_editor.connection, partitioning.referencing_fields(apps), today=timezone.localdate())


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    partitioning.unpartition(schema_editor.connection, schema_editor, partitioning.referencing_fields(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_servicelog_evidence"),
        # shifts.Attendance.service_log points at ServiceLog: its foreign key becomes a trigger here
        ("shifts", "0001_initial"),
    ]

    operations = [migrations.RunPython(partition, unpartition)]
