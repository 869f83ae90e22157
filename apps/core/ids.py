"""Ids from requests: a URL segment, a form field or a query parameter is text; an id that is not a
positive integer in the range of our keys is no id at all, so it finds nothing instead of raising
(the ORM raises ``ValueError`` for ``pk="abc"``, a server error)."""

from __future__ import annotations

MAX_ID = 2**62


def parse_id(value) -> int | None:
    """The id in ``value``, or None when it is missing, not an integer or out of range."""
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None
