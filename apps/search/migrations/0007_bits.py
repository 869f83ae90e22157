"""PostgreSQL: posting lists as bitmaps (``search_bits``) instead of one B-tree row per
(term, document) (``search_postings``, ``search_title_postings``; migration 0005).

A row holds, for one term hash (``field`` 0: anywhere in the document, 1: in its title) and one
chunk of 8,192 consecutive document ids, a ``bit(8192)`` whose bit ``k`` (from the left) says
whether document ``chunk * 8192 + k`` has the term. On the large demo city (144,576 documents,
6,719 distinct lexemes) the 16.6 million postings took 1.2 GB of rows and B-tree indexes, and a
capped query walked up to 100,000 index tuples (2,500 pages) of a word in nearly every document;
now they are about 42,000 rows of 1 KB and a word in every document is 18 rows. The backend
reads a query's rows and does the AND/OR, the count and the newest windows on Python integers
(``apps.search.backends.postgres``).

Rows follow ``search_terms`` by statement triggers with transition tables, as the posting tables
did: an insert ORs the new documents' bits in (``INSERT … ON CONFLICT``), a delete clears them
(row by row), a truncate empties the table. Rows are locked in (term, field, chunk) order. ``search_rebuild``
sets ``search.bits_bulk`` for its session and fills the table once at the end (``BITS_FILL``).

Forward: fills the table from ``search_terms`` (about a minute on the large demo city) and drops
the posting tables; no ``search_rebuild`` needed."""

from importlib import import_module

from django.db import migrations

from apps.core.vendor_sql import vendor_sql

CHUNK_BITS = 8192


def bits_select(source: str) -> str:
    """``SELECT field, term, chunk, bits`` for the (field, term, id) rows of ``source``: the ids'
    bits set, one row per (field, term, chunk). Built as hex text (one aggregate per byte that has
    a bit, zeros for the gaps), so the cost follows the postings, not the chunk size."""
    return (
        "SELECT field, term, chunk, ('x' || rpad(string_agg(repeat('00', byte - prev - 1) || "  # noqa: S608 - names only
        "lpad(to_hex(v), 2, '0'), '' ORDER BY byte), 2048, '0'))::bit(8192) AS bits FROM ("
        "SELECT field, term, chunk, byte, v, lag(byte, 1, -1) OVER (PARTITION BY field, term, chunk ORDER BY byte) "
        "AS prev FROM (SELECT field, term, (id >> 13)::int AS chunk, ((id & 8191) >> 3)::int AS byte, "
        f"bit_or(128 >> (id & 7)::int) AS v FROM ({source}) s GROUP BY 1, 2, 3, 4) p) g "
        "GROUP BY field, term, chunk"
    )


def terms_source(rows: str) -> str:
    return (
        f"SELECT 0 AS field, x AS term, t.id FROM {rows} t, unnest(t.terms) x "  # noqa: S608 - names only
        f"UNION ALL SELECT 1, x, t.id FROM {rows} t, unnest(t.title_terms) x"
    )


POSTINGS = import_module("apps.search.migrations.0005_postings")
BITS_FILL = f"INSERT INTO search_bits (field, term, chunk, bits) {bits_select(terms_source('search_terms'))}"

PG_UP = [
    "CREATE TABLE search_bits (field smallint NOT NULL, term integer NOT NULL, chunk integer NOT NULL, "
    "bits bit(8192) NOT NULL, PRIMARY KEY (term, field, chunk))",
    BITS_FILL,
    # The posting tables, their triggers and functions.
    *[sql for sql in POSTINGS.PG_DOWN if sql.startswith("DROP")],
    "CREATE FUNCTION search_bits_follow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
    "IF current_setting('search.bits_bulk', true) = 'on' THEN RETURN NULL; END IF; "
    f"INSERT INTO search_bits AS b (field, term, chunk, bits) SELECT * FROM ({bits_select(terms_source('new_rows'))}) n "
    "ORDER BY term, field, chunk "
    "ON CONFLICT (field, term, chunk) DO UPDATE SET bits = b.bits | EXCLUDED.bits; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER search_bits_insert AFTER INSERT ON search_terms "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_bits_follow_insert()",
    "CREATE FUNCTION search_bits_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE r record; BEGIN "  # noqa: S608
    f"FOR r IN SELECT * FROM ({bits_select(terms_source('old_rows'))}) o ORDER BY term, field, chunk LOOP "
    "UPDATE search_bits SET bits = bits & ~r.bits WHERE field = r.field AND term = r.term AND chunk = r.chunk; "
    "END LOOP; RETURN NULL; END $$",
    "CREATE TRIGGER search_bits_delete AFTER DELETE ON search_terms "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_bits_follow_delete()",
    "CREATE FUNCTION search_bits_follow_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "TRUNCATE search_bits; RETURN NULL; END $$",
    "CREATE TRIGGER search_bits_truncate AFTER TRUNCATE ON search_terms "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_bits_follow_truncate()",
    "ANALYZE search_bits",
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS search_bits_insert ON search_terms",
    "DROP TRIGGER IF EXISTS search_bits_delete ON search_terms",
    "DROP TRIGGER IF EXISTS search_bits_truncate ON search_terms",
    "DROP FUNCTION IF EXISTS search_bits_follow_insert()",
    "DROP FUNCTION IF EXISTS search_bits_follow_delete()",
    "DROP FUNCTION IF EXISTS search_bits_follow_truncate()",
    "DROP TABLE IF EXISTS search_bits",
    # Back to the posting tables of 0005, filled from search_terms (its index drops and table
    # settings are no-ops by then).
    *POSTINGS.PG_UP,
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_pending_index_update")]

    operations = [migrations.RunPython(*vendor_sql(up={"postgresql": PG_UP}, down={"postgresql": PG_DOWN}))]
