"""The gram index behind the needs list's ``q`` (``apps.bidding.text_index``)."""

import django.db.models.deletion
from django.db import migrations, models

from apps.core.vendor_sql import vendor_sql

SQLITE_UP = [
    # detail=none: only "which needs hold every gram" is ever asked (no phrases, no ranking).
    "CREATE VIRTUAL TABLE bidding_needtext_fts USING fts5("
    "grams, content='bidding_needtext', content_rowid='need_id', "
    "tokenize='unicode61 remove_diacritics 0', detail=none)",
    "CREATE TRIGGER bidding_needtext_ai AFTER INSERT ON bidding_needtext BEGIN "
    "INSERT INTO bidding_needtext_fts(rowid, grams) VALUES (new.need_id, new.grams); END",
    "CREATE TRIGGER bidding_needtext_ad AFTER DELETE ON bidding_needtext BEGIN "
    "INSERT INTO bidding_needtext_fts(bidding_needtext_fts, rowid, grams) VALUES ('delete', old.need_id, old.grams); END",
    "CREATE TRIGGER bidding_needtext_au AFTER UPDATE ON bidding_needtext BEGIN "
    "INSERT INTO bidding_needtext_fts(bidding_needtext_fts, rowid, grams) VALUES ('delete', old.need_id, old.grams); "
    "INSERT INTO bidding_needtext_fts(rowid, grams) VALUES (new.need_id, new.grams); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS bidding_needtext_ai",
    "DROP TRIGGER IF EXISTS bidding_needtext_ad",
    "DROP TRIGGER IF EXISTS bidding_needtext_au",
    "DROP TABLE IF EXISTS bidding_needtext_fts",
]
PG_UP = [
    # The grams live out of line (TOAST): the heap keeps need_id and a pointer, so a bitmap scan
    # over tens of thousands of matches reads a few hundred small pages.
    "ALTER TABLE bidding_needtext ALTER COLUMN grams SET STORAGE EXTERNAL",
    "ALTER TABLE bidding_needtext SET (toast_tuple_target = 128)",
    "CREATE INDEX bidding_needtext_grams_gin ON bidding_needtext USING GIN (string_to_array(grams, ' '))",
]
PG_DOWN = ["DROP INDEX IF EXISTS bidding_needtext_grams_gin"]


def backfill(apps, schema_editor):
    from apps.bidding import text_index

    Need = apps.get_model("bidding", "Need")
    NeedText = apps.get_model("bidding", "NeedText")
    last = 0
    while True:
        chunk = list(Need.objects.filter(pk__gt=last).order_by("pk").only("pk", "title", "description")[:2000])
        if not chunk:
            return
        NeedText.objects.bulk_create(
            [NeedText(need_id=n.pk, grams=" ".join(text_index.grams_of(n.title, n.description))) for n in chunk]
        )
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("bidding", "0003_list_indexes")]

    operations = [
        migrations.CreateModel(
            name="NeedText",
            fields=[
                (
                    "need",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="bidding.need",
                    ),
                ),
                ("grams", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(*vendor_sql(up={"sqlite": SQLITE_UP, "postgresql": PG_UP}, down={"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
