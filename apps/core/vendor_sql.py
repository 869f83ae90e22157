"""SQL that exists on one database vendor only (FTS5 tables, GIN indexes, triggers), for
migrations: ``migrations.RunPython(*vendor_sql(up={"sqlite": [...]}, down={...}))``."""

from __future__ import annotations


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def vendor_sql(*, up: dict[str, list[str]], down: dict[str, list[str]]):
    """(forward, backward) callables for ``RunPython`` running each vendor's statements."""
    return _run(up), _run(down)
