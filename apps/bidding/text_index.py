"""Substring search over needs (the list's ``q``) through an index of character grams.

``q`` means "the title or the description contains this text", as ``icontains`` would answer it,
but a scan of every need's text took 87 ms at 100,000 needs. Chinese has no spaces, and users type
one- and two-character words (老人, 助残), so a word index cannot answer it; an index of every
character and every pair of adjacent characters can:

- each need gets one ``NeedText`` row: the distinct unigrams and bigrams of the runs of letters and
  digits of its lower-cased title and description (grams never cross a field or a punctuation mark);
- a query of one run of one or two characters is one gram: the gram match is the answer;
- any other query needs every gram of its runs (a superset of the answer), then ``icontains``
  checks those candidates only;
- a query with no letter or digit at all falls back to the scan.

The rows are kept in the same transaction as the need (``apps.search.signals``); bulk loaders call
``index_needs``, and a scheduled job indexes any need still without a row. Matching: FTS5 on SQLite, a GIN index over ``string_to_array`` on
PostgreSQL (migration 0004)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from apps.bidding.models import Need, NeedText

# A run of letters or digits (\w without the underscore).
_RUN = re.compile(r"[^\W_]+")
FIELDS = ("title", "description")


def runs(text: str) -> list[str]:
    return _RUN.findall((text or "").lower())


def grams_of(*texts: str) -> list[str]:
    """Distinct unigrams and bigrams of the runs of ``texts``, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in runs(text):
            for i, ch in enumerate(run):
                seen[ch] = None
                if i + 1 < len(run):
                    seen[run[i : i + 2]] = None
    return list(seen)


def query_grams(value: str) -> tuple[list[str], bool]:
    """(grams every match must contain, whether they alone decide the match)."""
    value_runs = runs(value)
    if not value_runs:
        return [], False
    grams: dict[str, None] = {}
    for run in value_runs:
        if len(run) == 1:
            grams[run] = None
        for i in range(len(run) - 1):
            grams[run[i : i + 2]] = None
    exact = len(value_runs) == 1 and value_runs[0] == value.strip().lower() and len(value_runs[0]) <= 2
    return list(grams), exact


def _rows(needs: Iterable[Need]) -> list[tuple[int, str]]:
    return [(n.pk, " ".join(grams_of(n.title, n.description))) for n in needs]


def index_needs(needs: Iterable[Need]) -> int:
    """Write (or replace) the gram rows of ``needs``."""
    rows = _rows(needs)
    if not rows:
        return 0
    table = NeedText._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        # Delete then insert (not an upsert): SQLite's FTS5 triggers then see plain rows.
        for i in range(0, len(rows), 500):
            chunk = rows[i : i + 500]
            cur.execute(
                f"DELETE FROM {table} WHERE need_id IN ({','.join(['%s'] * len(chunk))})",  # noqa: S608
                [pk for pk, _ in chunk],
            )
            cur.executemany(f"INSERT INTO {table} (need_id, grams) VALUES (%s, %s)", chunk)  # noqa: S608
    return len(rows)


def rebuild(*, only_missing: bool = False, batch: int = 2000) -> int:
    """Index every need (or only those without a row: the ``bidding_need_text_repair`` job);
    returns how many were written."""
    needs = Need.objects.order_by("pk").only("pk", *FIELDS)
    if only_missing:
        needs = needs.exclude(pk__in=NeedText.objects.values("need_id"))
    done, last = 0, 0
    while True:
        chunk = list(needs.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        done += index_needs(chunk)
        last = chunk[-1].pk


def on_need_saved(instance: Need, update_fields=None) -> None:
    if update_fields is not None and not set(update_fields) & set(FIELDS):
        return
    index_needs([instance])


def _match_sql(grams: list[str]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return (
            f"SELECT need_id FROM {NeedText._meta.db_table} WHERE string_to_array(grams, ' ') @> %s::text[]",  # noqa: S608
            [grams],
        )
    # Every gram is a run of letters and digits: one unicode61 token, quoted as a phrase.
    return "SELECT rowid FROM bidding_needtext_fts WHERE bidding_needtext_fts MATCH %s", [
        " AND ".join(f'"{g}"' for g in grams)
    ]


def filter_contains(queryset, value: str):
    """``queryset`` narrowed to needs whose title or description contains ``value``."""
    substring = Q(title__icontains=value) | Q(description__icontains=value)
    grams, exact = query_grams(value)
    if not grams:
        return queryset.filter(substring)
    sql, params = _match_sql(grams)
    queryset = queryset.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (constant SQL; the grams are parameters)
    return queryset if exact else queryset.filter(substring)
