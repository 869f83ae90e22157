"""The read replica (``DATABASE_REPLICA_URL``, deploy/README.md "Read replica").

Only reads made while an anonymous visitor's safe request (GET, HEAD, OPTIONS) runs go to the
``replica`` alias: such a visitor has written nothing the replica could lack, so a lagging replica
shows them the public pages up to the lag old and never loses anyone's own write. Everything else
stays on the primary (``default``):

- every write, and every read inside a transaction on the primary (a service that reads then
  writes must see what it locks);
- a signed-in user's requests, and any request carrying an ``Authorization`` header (the API's
  bearer tokens are checked in the view, after this middleware): read-your-writes;
- the money and the sealed proposals, whoever asks (``PRIMARY_ONLY_APPS``, ``_primary_only``):
  a balance, a donation or a proposal is never shown as it was some seconds ago;
- everything, when the replica does not accept a connection: the request is served from the
  primary and the replica is tried again after ``REPLICA_RETRY_SECONDS``.

``ReplicaMiddleware`` decides once per request and holds the decision in a context variable;
``ReplicaRouter`` reads it. Without a ``replica`` alias both do nothing."""

from __future__ import annotations

import contextvars
import logging
import time

from django.db import DatabaseError, connections

REPLICA = "replica"
PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REPLICA_RETRY_SECONDS = 30.0
# Books, donations, payouts, expenses, revenue, dividends; sessions and credentials.
PRIMARY_ONLY_APPS = frozenset(
    {
        "ledger",
        "funds",
        "expenses",
        "revenue",
        "cooperatives",
        "fundreports",
        "sessions",
        "authtoken",
        "account",
        "mfa",
    }
)
_SEALED_BIDDING_MODELS = ("proposal", "panelreviewer")

logger = logging.getLogger(__name__)

use_replica_var: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_usable() -> bool:
    """The replica accepts a connection (kept between requests as the primary's is). A refusal
    marks it down for REPLICA_RETRY_SECONDS, so a dead replica costs one failed connect per
    process and interval, not one per request."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning("read replica unavailable, reading from the primary for %ss: %s", REPLICA_RETRY_SECONDS, exc)
        return False
    return True


def replica_retry_now() -> None:
    """Forget a refused connection (tests; an operator's shell after fixing the replica)."""
    global _replica_down_until
    _replica_down_until = 0.0


def _request_may_read_replica(request) -> bool:
    if request.method not in SAFE_METHODS or "Authorization" in request.headers:
        return False
    return not request.user.is_authenticated


class ReplicaMiddleware:
    """After AuthenticationMiddleware: the session (read from the primary) says who is asking."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (replica_configured() and _request_may_read_replica(request) and replica_usable()):
            return self.get_response(request)
        token = use_replica_var.set(True)
        try:
            return self.get_response(request)
        finally:
            use_replica_var.reset(token)


def _primary_only(model) -> bool:
    meta = model._meta
    if meta.app_label in PRIMARY_ONLY_APPS:
        return True
    return meta.app_label == "bidding" and meta.model_name.startswith(_SEALED_BIDDING_MODELS)


class ReplicaRouter:
    def db_for_read(self, model, **_hints):
        if not use_replica_var.get():
            return None  # Django's choice: the primary, or the database the related instance came from
        if _primary_only(model) or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **_hints):
        return PRIMARY  # also for an instance read from the replica

    def allow_relation(self, *_objs, **_hints):
        return True  # one database's rows, wherever they were read from

    def allow_migrate(self, db, app_label, model_name=None, **_hints):
        return False if db == REPLICA else None  # the replica copies the primary's schema
