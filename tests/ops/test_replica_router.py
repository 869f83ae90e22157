"""The read replica: which database each request's queries went to (apps.ops.replica).

The ``replica`` alias is a test mirror of the test database (``TEST: {"MIRROR": "default"}``, as
settings.py makes it from DATABASE_REPLICA_URL): its own connection to the same database, so each
alias's queries are captured apart. A mirror sees only committed rows, like a real replica, hence
transactional tests."""

from __future__ import annotations

import copy
import socket

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.bidding.models import Need
from apps.ops import replica
from tests.factories.bidding import NeedFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """A ``replica`` alias mirroring the test database, for this module only: elsewhere no replica
    is configured and every read stays on the primary."""
    config = copy.deepcopy(connections["default"].settings_dict)  # the test database's name by now
    config["TEST"] = {**config["TEST"], "MIRROR": "default"}
    config = connections.configure_settings({"default": connections["default"].settings_dict, "replica": config})[
        "replica"
    ]
    settings.DATABASES["replica"] = config
    connections.settings["replica"] = config
    yield
    connections["replica"].close()
    del connections["replica"]
    connections.settings.pop("replica", None)
    settings.DATABASES.pop("replica", None)


@pytest.fixture(autouse=True)
def _replica_retried():
    replica.replica_retry_now()
    yield
    replica.replica_retry_now()


def _tables(captured) -> str:
    return " ".join(q["sql"] for q in captured.captured_queries)


def _get(client, path, **headers):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return primary, mirror, response.content.decode()


def test_anonymous_needs_page_and_api_read_from_the_replica(client, api):
    need = NeedFactory(title="副本上的需求")
    primary, mirror, _ = _get(client, "/needs/")
    assert '"bidding_need"' in _tables(mirror)
    assert '"bidding_need"' not in _tables(primary)

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = api.get("/api/v1/needs/")
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == [need.title]
    assert '"bidding_need"' in _tables(mirror)
    assert '"bidding_need"' not in _tables(primary)


def test_signed_in_reads_and_token_api_reads_stay_on_the_primary(client, api, make_user):
    NeedFactory()
    user = make_user()
    client.force_login(user)
    primary, mirror, _ = _get(client, "/needs/")
    assert len(mirror) == 0
    assert '"bidding_need"' in _tables(primary)

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = api.as_user(user).get("/api/v1/needs/")
    assert response.status_code == 200
    assert len(mirror) == 0
    assert '"bidding_need"' in _tables(primary)


def test_a_post_reads_and_writes_on_the_primary(client, make_user):
    make_user(username="alice")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = client.post("/accounts/login/", {"login": "alice", "password": "wrong-password"})
    assert response.status_code == 200  # the form again, with its error
    assert len(mirror) == 0
    assert '"accounts_user"' in _tables(primary)


def test_money_is_read_from_the_primary_even_for_anonymous_visitors(client, city):
    primary, mirror, _ = _get(client, f"/funds/{city.fund.pk}/")
    assert '"funds_fund"' in _tables(primary)
    assert '"ledger_' in _tables(primary)
    assert '"funds_' not in _tables(mirror)
    assert '"ledger_' not in _tables(mirror)


def test_reads_inside_a_transaction_during_an_anonymous_request_use_the_primary():
    """A service run by an anonymous GET that reads then writes sees the primary's rows."""
    NeedFactory()
    token = replica.use_replica_var.set(True)
    try:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as mirror,
        ):
            assert Need.objects.count() == 1
            with transaction.atomic():
                assert Need.objects.count() == 1
    finally:
        replica.use_replica_var.reset(token)
    assert len(mirror) == 1
    assert len([q for q in primary.captured_queries if '"bidding_need"' in q["sql"]]) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_replica_that_refuses_connections_leaves_pages_to_the_primary(client, caplog):
    NeedFactory(title="主库上的需求")
    config = connections["replica"].settings_dict
    saved = {key: config[key] for key in ("NAME", "PORT", "HOST")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["NAME"] = "/nonexistent-sanshe-replica/replica.sqlite3"
    else:
        config.update({"HOST": "127.0.0.1", "PORT": _closed_port()})
    connections["replica"].close()
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            page = client.get("/needs/").content.decode()
            client.get("/needs/")  # marked down: not tried again at once
        replica_connected = connections["replica"].connection is not None
    finally:
        config.update(saved)
        connections["replica"].close()
    assert "主库上的需求" in page
    assert '"bidding_need"' in _tables(primary)
    assert not replica_connected
    warnings = [r.getMessage() for r in caplog.records if r.name == "apps.ops.replica"]
    assert len(warnings) == 1
    assert "read replica unavailable" in warnings[0]
