"""Raw SQL for tests that look at the database's own structure (partitions, plans, catalogs)."""

from django.db import connection


def rows(sql, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
