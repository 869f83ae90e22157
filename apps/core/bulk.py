"""Bulk inserts for loads of hundreds of thousands of rows (the large demo city): COPY on
PostgreSQL, executemany elsewhere, with no SQL compiled per row. Much faster than
``bulk_create``; no signals, no ``save()``: callers build complete rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.db import connection, models
from django.db.models import Max

BATCH = 5_000


def _adapters(fields) -> list:
    """Per field, a function from the Python value to what the database driver takes."""
    vendor = connection.vendor
    out = []
    for f in fields:
        if isinstance(f, models.JSONField):
            out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        elif vendor != "postgresql" and isinstance(f, models.DateField | models.TimeField | models.DecimalField):
            out.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            out.append(None)
    return out


def field_adapter(model, name: str) -> Callable:
    """A cached adapter of one field's values (dates, times, decimals repeat a lot)."""
    field = model._meta.get_field(name)
    fn = _adapters([field])[0]
    if fn is None:
        return lambda v: v
    cache: dict = {}

    def adapt(v):
        if v not in cache:
            cache[v] = fn(v)
        return cache[v]

    return adapt


def rows_insert(model, fields, rows, *, adapted: bool = False) -> None:
    """Insert plain tuples in ``fields`` order.

    ``adapted``: the values are already what the driver takes (see ``field_adapter``)."""
    table = model._meta.db_table
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields)
    adapt = [] if adapted else _adapters(fields)
    if any(adapt):
        rows = [tuple(a(v) if a else v for a, v in zip(adapt, row, strict=True)) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def objects_insert(
    model, objs: list, *, now: dt.datetime, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> list:
    """Insert unsaved model instances in batches and give them their primary keys.

    Related objects must be saved before the instances that point at them are built (the ``*_id``
    attributes are read as they are). ``auto_now``/``auto_now_add`` fields left empty (and
    ``updated_at``) get ``now``. ``progress`` is called with the number inserted after each batch.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamps = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for i in range(0, len(objs), batch):
        chunk = objs[i : i + batch]
        for obj in chunk:
            for name in stamps:
                if getattr(obj, name) is None or name == "updated_at":
                    setattr(obj, name, now)
        before = model.objects.aggregate(m=Max("pk"))["m"] or 0
        rows_insert(model, fields, [tuple(getattr(o, f.attname) for f in fields) for o in chunk])
        ids = list(model.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(chunk):
            raise RuntimeError(f"{model.__name__}: inserted {len(chunk)}, found {len(ids)} new rows")
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
        if progress:
            progress(i + len(chunk))
    return objs
