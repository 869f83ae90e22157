"""Each leg carries its transfer's ``created_at``; on PostgreSQL legs are partitioned by it, one
partition per year (issue #24). See ``apps/ledger/partitioning.py``.

- SQLite: the column is added, filled from the transfers with the ledger's triggers off, made
  NOT NULL (SQLite rebuilds the table), and the triggers go back with the new leg check.
- PostgreSQL: the column is added, then the table is rebuilt as ``PARTITION BY RANGE
  (created_at)`` with every leg copied with its id and its transfer's time (the triggers, the
  append function and the sequence follow); Django's NOT NULL step has nothing left to do there.

Going back rebuilds a plain table, drops the column and puts back the triggers of 0007.
"""

from django.db import migrations, models
from django.utils import timezone

from apps.ledger import dbguard, partitioning, pgappend


def _postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def undated_triggers(apps, schema_editor):
    dbguard.install(schema_editor.connection, dated=False)


def dated(apps, schema_editor):
    connection = schema_editor.connection
    dbguard.uninstall(connection)
    if _postgres(schema_editor):
        partitioning.partition(connection, today=timezone.localdate())
        return
    schema_editor.execute(
        "UPDATE ledger_leg SET created_at = (SELECT t.created_at FROM ledger_transfer t WHERE t.id = ledger_leg.transfer_id)"
    )


def undated(apps, schema_editor):
    if _postgres(schema_editor):
        partitioning.unpartition(schema_editor.connection)


def dated_triggers(apps, schema_editor):
    dbguard.install(schema_editor.connection)
    pgappend.install(schema_editor.connection)


def no_triggers(apps, schema_editor):
    dbguard.uninstall(schema_editor.connection)
    pgappend.install(schema_editor.connection, dated=False)


class NotNullOutsidePostgres(migrations.AlterField):
    """On PostgreSQL the partitioned table was made with the column NOT NULL (and it is in the
    primary key, so going back could not drop NOT NULL); elsewhere Django's AlterField."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    # the PostgreSQL rebuild copies every leg: one transaction, so a failure leaves 0007's table
    dependencies = [("ledger", "0007_pg_seal_per_statement")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, undated_triggers),
        migrations.AddField(model_name="leg", name="created_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(dated, undated),
        NotNullOutsidePostgres(model_name="leg", name="created_at", field=models.DateTimeField()),
        migrations.RunPython(dated_triggers, no_triggers),
    ]
