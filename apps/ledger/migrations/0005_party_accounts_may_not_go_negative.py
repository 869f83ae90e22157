"""Issue 18: accounts that stand for a party of the platform may not go negative. Two kinds were
created as may-go-negative: an organization's ``grants_received`` (only ever credited by grants)
and the host foundation's ``refund_cover`` (debit-normal, only ever debited by the host's cover of
a refund); neither can be below zero, so the database's CHECK holds as the flag is turned off.
(A cooperative's ``undistributed_profit`` is turned off in cooperatives.0003, after it records
the profit that earlier distributions took.)"""

from django.db import migrations

PARTY_KINDS = [("organization", "grants_received"), ("host_cover", "refund_cover")]


def party_accounts_may_not_go_negative(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for owner_type, kind in PARTY_KINDS:
        Account.objects.filter(owner_type=owner_type, kind=kind).update(may_go_negative=False)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_pg_hot_rows")]

    operations = [migrations.RunPython(party_accounts_may_not_go_negative, migrations.RunPython.noop)]
