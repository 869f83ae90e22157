"""PostgreSQL: a narrow table of each document's lexemes as 32-bit hashes, with GIN indexes, for
counting matches and choosing ranking candidates without visiting the wide document rows
(``apps.search.backends.postgres``). Filled from the existing documents."""

from django.db import migrations

from apps.core.vendor_sql import vendor_sql

PG_UP = [
    "CREATE TABLE search_terms ("
    "id integer PRIMARY KEY REFERENCES search_searchdocument(id) ON DELETE CASCADE, "
    "terms integer[] NOT NULL, title_terms integer[] NOT NULL)",
    "INSERT INTO search_terms (id, terms, title_terms) "
    "SELECT id, ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(tsv)) x), "
    "ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(to_tsvector('simple', title_seg))) x) "
    "FROM search_searchdocument",
    "CREATE INDEX search_terms_gin ON search_terms USING GIN (terms)",
    "CREATE INDEX search_terms_title_gin ON search_terms USING GIN (title_terms)",
]
PG_DOWN = ["DROP TABLE IF EXISTS search_terms"]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_gin")]

    operations = [migrations.RunPython(*vendor_sql(up={"postgresql": PG_UP}, down={"postgresql": PG_DOWN}))]
