"""PostgreSQL: accounts and book heads are few rows updated by every transfer (a shared Stripe or
bank account, a fund's chain head). Dead row versions pile up faster than default autovacuum
(20 % of the table) removes them and every lookup walks them: measured 55 -> 158 appends/s at 4
clients after a VACUUM (bench/ledger/README.md). Room on each page for HOT updates, and vacuum
after a fixed number of dead rows."""

from django.db import migrations

TABLES = ["ledger_account", "ledger_book"]
SETTINGS = (
    "fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500, "
    "autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05"
)
RESET = (
    "fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
    "autovacuum_vacuum_cost_delay, autovacuum_analyze_scale_factor"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET ({SETTINGS})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET ({RESET})")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_pg_append")]

    operations = [migrations.RunPython(forwards, backwards)]
