"""Keys a client chooses so that a write is safe to retry (DESIGN.md, the ledger's rule 3, for
writes whose key the user picks, such as a fund's income).

The same key with the same content answers with what the first request made and writes nothing;
the same key with any other content (a memo included) is a ``StateConflict`` (409) and writes
nothing. A keyed write stores everything the user sent on the object it makes under the key, and
``idempotent_replay`` compares a replay with it. The ledger's own transfers compare their content fingerprint in
``apps.ledger.services``; their memo is a label the platform writes, not what a user sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from apps.core.errors import StateConflict

T = TypeVar("T")


def idempotent_replay(existing: T, *, requested: Mapping) -> T:
    """``existing`` (what the first request with this key made) when each field of ``requested``
    equals the same attribute of ``existing``; else a 409."""
    if any(getattr(existing, name) != value for name, value in requested.items()):
        raise StateConflict(
            _(
                "This idempotency key was already used with different content: use a new key, or send the same content again."
            )
        )
    return existing
