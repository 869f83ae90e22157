"""The two names of a referenced object in a request body (README, "Additions to CONTRACT": one
representation per reference): a JSON integer is its id, a JSON string its code."""

from __future__ import annotations

BY = ["id", "code"]


def named(obj, by: str, code_field: str = "code"):
    """``obj`` as a request names it: its id (an integer) or its code (a string)."""
    return obj.pk if by == "id" else getattr(obj, code_field)
