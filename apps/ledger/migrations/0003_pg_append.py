"""PostgreSQL: the one-statement append used by the services (apps/ledger/pgappend.py)."""

from django.db import migrations

from apps.ledger.pgappend import migrate_install, migrate_uninstall


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_triggers")]

    operations = [migrations.RunPython(migrate_install, migrate_uninstall)]
