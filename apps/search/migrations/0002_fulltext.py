"""The full-text structures of the SQL backends, created only on the vendor that has them."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title_seg, body_seg, content='search_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail=full)",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts"]
PG_UP = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_seg), 'A') || setweight(to_tsvector('simple', body_seg), 'B')"
    ") STORED",
    "CREATE INDEX search_document_tsv_gin ON search_searchdocument USING GIN (tsv)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS search_document_tsv_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_document")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
