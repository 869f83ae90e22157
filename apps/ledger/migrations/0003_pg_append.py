"""PostgreSQL: the one-statement append used by the services (apps/ledger/pgappend.py), and the
seal triggers rewritten to find accounts by primary key (apps/ledger/dbguard.py, same rules)."""

from django.db import migrations

from apps.ledger import dbguard, pgappend


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        dbguard.install(schema_editor.connection, dated=False)
    pgappend.install(schema_editor.connection, dated=False)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_triggers")]

    operations = [migrations.RunPython(forwards, pgappend.migrate_uninstall)]
