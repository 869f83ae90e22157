"""Schema fuzz of API v1 (issue 18, "The schema tells the truth").

Schemathesis (``st run``, the checks in ``tests/api/schemathesis.toml``) drives every operation of
``/api/v1/schema/`` against a live server holding the demo city, once per role, with a bounded
number of examples. Any server error or answer that disagrees with the schema fails the test, which
prints schemathesis' report: the failing operation, the check, and a ``curl`` line that reproduces
it (the token is shown as ``[Filtered]``; ``token_for`` gives a new one). Every check runs,
``negative_data_rejection`` too: a request the schema does not allow must be refused (4xx).

- platform_staff: every operation (examples, fuzzing, stateful; ``SANSHE_FUZZ_STAFF_PHASES`` adds
  ``coverage``, several times slower);
- anonymous: every operation (examples, fuzzing);
- the other roles: every read (fuzzing, ``SANSHE_FUZZ_READER_EXAMPLES``, default 3): their writes
  are mostly refused before any rule runs, and all of them would take the run past its budget;
- revoking a token runs last, on a token of its own, so the fuzz can't revoke the tokens it uses.

``SANSHE_FUZZ_EXAMPLES`` (default 5) bounds the examples per operation and phase; the seed is fixed
(``SANSHE_FUZZ_SEED``) so a failure replays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from apps.accounts.services import token_for

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=not ON_SQLITE)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
ST = [sys.executable, str(Path(__file__).with_name("st_one_parser.py"))]
EXAMPLES = os.environ.get("SANSHE_FUZZ_EXAMPLES", "5")
READER_EXAMPLES = os.environ.get("SANSHE_FUZZ_READER_EXAMPLES", "3")
SEED = os.environ.get("SANSHE_FUZZ_SEED", "18")
STAFF_PHASES = os.environ.get("SANSHE_FUZZ_STAFF_PHASES", "examples,fuzzing,stateful")
TOKEN_REVOKE = "/api/v1/auth/tokens/{token_id}/"

# role -> demo account (README, "Demo accounts")
READERS = {
    "community_staff": "yulin_staff",
    "org_admin": "org_admin",
    "social_worker": "worker",
    "reviewer": "reviewer1",
    "fund_manager": "fund_manager",
    "street_officer": "street_officer",
    "unit_staff": "unit_staff",
}


@pytest.fixture
def demo_server(tmp_path):
    """The demo city behind a live server. On SQLite the server shares the test's connection, so
    the test's transaction holds everything and its rollback leaves the database as it was (a flush
    would run into the ledger's append-only triggers); on PostgreSQL the server has connections of
    its own, so the test is transactional and ends with the usual flush."""
    call_command("seed_demo", "--i-know-this-is-public", stdout=StringIO())
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    # The schema is read once, with time to spare: each of the nine runs loading it from the server
    # gave up after schemathesis' 10 s on a loaded machine.
    with urllib.request.urlopen(f"{server.url}/api/v1/schema/?format=json", timeout=300) as answer:
        server.schema_file = tmp_path / "schema.json"
        server.schema_file.write_bytes(answer.read())
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


def _token(username: str) -> str:
    return token_for(user=get_user_model().objects.get(username=username), label="schema fuzz")


def _st_run(server, name: str, examples: str, *args: str) -> tuple[str, str]:
    command = [
        *ST,
        "--config-file",
        str(CONFIG),
        "run",
        str(server.schema_file),
        "--url",
        server.url,
        "--checks",
        "all",
        "--max-examples",
        examples,
        "--seed",
        SEED,
        "--workers",
        # SQLite's in-memory test database is one connection, which the live server's threads share.
        "1" if ON_SQLITE else "2",
        "--no-color",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    report = result.stdout + result.stderr
    return name, "" if result.returncode == 0 else report


def _bearer(token: str) -> tuple[str, str]:
    return "--header", f"Authorization: Bearer {token}"


def test_every_operation_answers_as_its_schema_says_for_every_role(demo_server):
    runs = [
        _st_run(
            demo_server,
            "platform_staff",
            EXAMPLES,
            *_bearer(_token("staff")),
            "--exclude-path",
            TOKEN_REVOKE,
            "--phases",
            STAFF_PHASES,
        ),
        _st_run(demo_server, "anonymous", EXAMPLES, "--phases", "examples,fuzzing"),
    ]
    for role, username in READERS.items():
        runs.append(
            _st_run(
                demo_server,
                role,
                READER_EXAMPLES,
                *_bearer(_token(username)),
                "--include-method",
                "GET",
                "--phases",
                "fuzzing",
            )
        )
    runs.append(
        _st_run(demo_server, "token revocation", EXAMPLES, *_bearer(_token("staff")), "--include-path", TOKEN_REVOKE)
    )
    failed = [(name, report) for name, report in runs if report]
    assert not failed, "\n\n".join(f"===== schema fuzz as {name} =====\n{report}" for name, report in failed)
