"""PostgreSQL: a GIN index over the title alone, for the title candidates of broad queries
(a weight-restricted tsquery on ``tsv`` would recheck — detoast — every matching row)."""

from django.db import migrations

PG_UP = ["CREATE INDEX search_document_title_gin ON search_searchdocument USING GIN (to_tsvector('simple', title_seg))"]
PG_DOWN = ["DROP INDEX IF EXISTS search_document_title_gin"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
