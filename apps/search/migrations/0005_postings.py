"""PostgreSQL: posting lists as B-tree indexes, for counting matches and choosing the newest
ranking candidates by index-only scans (``apps.search.backends.postgres``).

``search_postings`` holds one ``(term, id)`` row per lexeme hash of ``search_terms.terms`` and
``search_title_postings`` one per hash of ``title_terms``. Each is read only through its
``(term, id)`` index: a word's matches newest first are a backward index-only scan, an OR is a
merge of such scans and an AND a merge join, so counting up to the cap and taking the newest
window touch index tuples only. The GIN indexes of ``search_terms`` had to visit a table row per
match (about 1–3 µs each: 10,001 of them for a capped count) and are dropped; ``search_terms``
stays as each document's term list, which the triggers below read. Rows follow ``search_terms``
by statement triggers with transition tables (set-based, so a rebuild's batches stay cheap)."""

from django.db import migrations

from apps.core.vendor_sql import vendor_sql

PG_UP = [
    "CREATE TABLE search_postings (term integer NOT NULL, id bigint NOT NULL)",
    "CREATE TABLE search_title_postings (term integer NOT NULL, id bigint NOT NULL)",
    "INSERT INTO search_postings (term, id) SELECT DISTINCT x, t.id FROM search_terms t, unnest(t.terms) x",
    "INSERT INTO search_title_postings (term, id) SELECT DISTINCT x, t.id FROM search_terms t, unnest(t.title_terms) x",
    "CREATE INDEX search_postings_term_id ON search_postings (term, id)",
    "CREATE INDEX search_title_postings_term_id ON search_title_postings (term, id)",
    "DROP INDEX IF EXISTS search_terms_gin",
    "DROP INDEX IF EXISTS search_terms_title_gin",
    "CREATE FUNCTION search_postings_follow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO search_postings (term, id) SELECT DISTINCT x, n.id FROM new_rows n, unnest(n.terms) x; "
    "INSERT INTO search_title_postings (term, id) SELECT DISTINCT x, n.id FROM new_rows n, unnest(n.title_terms) x; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER search_postings_insert AFTER INSERT ON search_terms "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_postings_follow_insert()",
    "CREATE FUNCTION search_postings_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "DELETE FROM search_postings p USING (SELECT x AS term, o.id FROM old_rows o, unnest(o.terms) x) d "
    "WHERE p.term = d.term AND p.id = d.id; "
    "DELETE FROM search_title_postings p USING (SELECT x AS term, o.id FROM old_rows o, unnest(o.title_terms) x) d "
    "WHERE p.term = d.term AND p.id = d.id; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER search_postings_delete AFTER DELETE ON search_terms "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_postings_follow_delete()",
    "CREATE FUNCTION search_postings_follow_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "TRUNCATE search_postings, search_title_postings; RETURN NULL; END $$",
    "CREATE TRIGGER search_postings_truncate AFTER TRUNCATE ON search_terms "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_postings_follow_truncate()",
    # A document row is about 2 KB, just over the default TOAST threshold (2,032 bytes), so its
    # tsvector was moved out of line, which doubled the cost of reading the ranking candidates
    # (1,000 rows: 4.4 ms by key, 8.8 ms with their tsvectors). Rows up to a page stay whole; rows
    # written before (re-indexed or rebuilt later) keep their layout until then.
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 8160)",
    # Index-only scans skip the table only on pages the visibility map marks all-visible.
    "ALTER TABLE search_postings SET (autovacuum_vacuum_insert_scale_factor = 0.02)",
    "ALTER TABLE search_title_postings SET (autovacuum_vacuum_insert_scale_factor = 0.02)",
]
PG_DOWN = [
    "ALTER TABLE search_searchdocument RESET (toast_tuple_target)",
    "DROP TRIGGER IF EXISTS search_postings_insert ON search_terms",
    "DROP TRIGGER IF EXISTS search_postings_delete ON search_terms",
    "DROP TRIGGER IF EXISTS search_postings_truncate ON search_terms",
    "DROP FUNCTION IF EXISTS search_postings_follow_insert()",
    "DROP FUNCTION IF EXISTS search_postings_follow_delete()",
    "DROP FUNCTION IF EXISTS search_postings_follow_truncate()",
    "DROP TABLE IF EXISTS search_postings",
    "DROP TABLE IF EXISTS search_title_postings",
    "CREATE INDEX IF NOT EXISTS search_terms_gin ON search_terms USING GIN (terms)",
    "CREATE INDEX IF NOT EXISTS search_terms_title_gin ON search_terms USING GIN (title_terms)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_terms")]

    operations = [migrations.RunPython(*vendor_sql(up={"postgresql": PG_UP}, down={"postgresql": PG_DOWN}))]
