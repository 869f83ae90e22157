"""SQLite: the FTS5 index forgets a document when its row is deleted, whoever deletes it.

``search_fts`` is an external-content table: it keeps its own copy of the tokens, and only the
backend told it about deletions. A row deleted any other way (Django's flush between transactional
tests, an ORM or cascade delete) stayed in the index, and an unfiltered query, which counts in FTS5
alone, counted it while the hits, read from the rows, left it out ("9 results" over one). A trigger
now removes the tokens with the row, as ``search_terms`` follows its documents on PostgreSQL
(migration 0004). Forward also rebuilds the FTS5 index from the rows, dropping what it kept of rows
already gone."""

from django.db import migrations

from apps.core.vendor_sql import vendor_sql

FOLLOW_DELETE = (
    "CREATE TRIGGER search_fts_follow_delete AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_seg, body_seg) "
    "VALUES ('delete', old.id, old.title_seg, old.body_seg); END"
)
DROP_FOLLOW_DELETE = "DROP TRIGGER IF EXISTS search_fts_follow_delete"

SQLITE_UP = [FOLLOW_DELETE, "INSERT INTO search_fts(search_fts) VALUES('rebuild')"]
SQLITE_DOWN = [DROP_FOLLOW_DELETE]


class Migration(migrations.Migration):
    dependencies = [("search", "0007_bits")]

    operations = [migrations.RunPython(*vendor_sql(up={"sqlite": SQLITE_UP}, down={"sqlite": SQLITE_DOWN}))]
