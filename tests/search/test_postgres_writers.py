"""PostgreSQL: two search index writers at once (two Celery workers re-indexing) both succeed and
leave the bitmaps exact. Each re-index deletes the old document's bits, then ORs in the new one's;
without the writers' lock, one writer holding rows of the other's second statement while waiting
for its own was a deadlock, which PostgreSQL broke by failing one of them."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from apps.search.backends.base import SearchQuery
from apps.search.backends.postgres import PostgresBackend
from apps.search.documents import Doc
from apps.search.segmentation import parse_query

from .test_postgres_terms import _terms_rows, need

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def doc(obj_id: str, word: str) -> Doc:
    return need(obj_id, word, word)


def _backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _waiting(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cur.fetchone()
    return bool(row and row[0])


def test_two_writers_crossing_each_others_words_both_succeed():
    """Writer A removes a document about alpha and adds one about bravo; writer B, at the same
    time, removes one about bravo and adds one about alpha. Interleaved as delete A, delete B,
    insert A, insert B, their row locks formed a cycle."""
    engine = PostgresBackend()
    engine.rebuild([doc("1", "alpha"), doc("2", "bravo")])
    a_deleted, b_pid = threading.Event(), []
    b_deleted = threading.Event()
    errors: list[BaseException] = []

    def writer_a():
        try:
            with transaction.atomic():
                engine.delete([("need", "1")])
                a_deleted.set()
                # Go on once B has deleted its document too, or is waiting for this transaction.
                deadline = time.monotonic() + 10
                while not b_deleted.is_set() and time.monotonic() < deadline:
                    if b_pid and _waiting(b_pid[0]):
                        break
                    time.sleep(0.02)
                engine.index([doc("3", "bravo")])
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)
        finally:
            close_old_connections()

    def writer_b():
        try:
            b_pid.append(_backend_pid())
            a_deleted.wait(10)
            with transaction.atomic():
                engine.delete([("need", "2")])
                b_deleted.set()
                engine.index([doc("4", "alpha")])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert _terms_rows() == 2
    for word, want in [("alpha", ["4"]), ("bravo", ["3"])]:
        assert [h.id for h in engine.query(SearchQuery(groups=parse_query(word), limit=5)).hits] == want
