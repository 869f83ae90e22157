"""Invariants enforced by the database itself (see apps/ledger/dbguard.py), per vendor."""

from django.db import migrations

from apps.ledger.dbguard import migrate_install, migrate_uninstall


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(migrate_install, migrate_uninstall)]
