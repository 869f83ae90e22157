"""PostgreSQL: a narrow table of each document's lexemes as 32-bit hashes, with GIN indexes, for
counting matches and choosing ranking candidates without visiting the wide document rows
(``apps.search.backends.postgres``). Filled from the existing documents."""

from django.db import migrations

from apps.core.vendor_sql import vendor_sql

PG_UP = [
    "CREATE TABLE search_terms ("
    "id bigint PRIMARY KEY, "
    "terms integer[] NOT NULL, title_terms integer[] NOT NULL)",
    "INSERT INTO search_terms (id, terms, title_terms) "
    "SELECT id, ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(tsv)) x), "
    "ARRAY(SELECT hashtext(x) FROM unnest(tsvector_to_array(to_tsvector('simple', title_seg))) x) "
    "FROM search_searchdocument",
    "CREATE INDEX search_terms_gin ON search_terms USING GIN (terms)",
    # Rows follow their document by trigger, not by a foreign key: a foreign key would make
    # TRUNCATE of the documents (Django's test flush) fail.
    "CREATE FUNCTION search_terms_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM search_terms WHERE id = OLD.id; RETURN NULL; END $$",
    "CREATE TRIGGER search_terms_delete AFTER DELETE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_terms_follow_delete()",
    "CREATE FUNCTION search_terms_follow_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE search_terms; RETURN NULL; END $$",
    "CREATE TRIGGER search_terms_truncate AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_follow_truncate()",
    "CREATE INDEX search_terms_title_gin ON search_terms USING GIN (title_terms)",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS search_terms_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_terms_truncate ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_terms_follow_delete()",
    "DROP FUNCTION IF EXISTS search_terms_follow_truncate()",
    "DROP TABLE IF EXISTS search_terms",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_gin")]

    operations = [migrations.RunPython(*vendor_sql(up={"postgresql": PG_UP}, down={"postgresql": PG_DOWN}))]
