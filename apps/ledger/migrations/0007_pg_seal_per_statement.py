"""PostgreSQL: the seal checked and applied once per statement instead of once per transfer row
(apps/ledger/dbguard.py ``PG_INSTALL``), so a payout run's batch seals thousands of transfers with
one balance check and one update per account; the rules are unchanged. And room on each new page
of ``ledger_transfer`` for the sealed version of its rows (fillfactor 50): the seal then updates a
transfer in place (a HOT update) instead of adding an entry to each of its ten indexes, which was
the largest part of sealing a batch (bench/ledger/README.md). And without the ``varchar_pattern_ops``
twins Django adds to the ``key``, ``kind`` and ``reference`` indexes: nothing searches those
columns by prefix (``LIKE``), and every transfer paid for three more index entries. SQLite keeps
its row triggers."""

from django.db import migrations

from apps.ledger import dbguard

LIKE_INDEXES = {
    "ledger_transfer_key_451b4b01_like": "key",
    "ledger_transfer_kind_2cf66cf0_like": "kind",
    "ledger_transfer_reference_06c9dfa1_like": "reference",
}


def per_statement(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        dbguard.install(schema_editor.connection, dated=False)  # legs get created_at in 0008
        schema_editor.execute("ALTER TABLE ledger_transfer SET (fillfactor = 50)")
        for name in LIKE_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def per_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in LIKE_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON ledger_transfer ({column} varchar_pattern_ops)"
            )
        schema_editor.execute("ALTER TABLE ledger_transfer RESET (fillfactor)")
        dbguard.install(schema_editor.connection, per_row=True)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_leg_covering_indexes")]

    operations = [migrations.RunPython(per_statement, per_row)]
