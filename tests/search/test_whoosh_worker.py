"""Whoosh under a real Celery worker: several processes enqueue updates while searches run.

The worker is a separate ``celery worker -Q search_writer -c 1`` process (the single writer); four
writer processes each enqueue 3 versions of 25 documents and delete 5 of them; the test process
searches the index the whole time (Whoosh merges segments as the small commits accumulate).
"""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

from apps.search.backends.base import SearchQuery
from apps.search.backends.whoosh import WRITER_QUEUE, WhooshBackend
from apps.search.segmentation import parse_query

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs CELERY_BROKER_URL (a Redis broker)"),
]
ROOT = Path(__file__).resolve().parents[2]
WRITERS, DOCS, VERSIONS, DELETED = 4, 25, 3, 5

WRITER = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from apps.search.backends.whoosh import WhooshBackend
    from apps.search.documents import Doc
    w = int(sys.argv[1])
    backend = WhooshBackend()
    for version in range(1, {versions} + 1):
        for i in range({docs}):
            backend.index([Doc(type="need", id=f"{{w}}-{{i}}", title=f"养老服务 写入者{{w}} 第{{version}}版",
                               body=f"社区长者饭堂 version{{version}}", url=f"/needs/{{w}}-{{i}}/")])
    backend.delete([("need", f"{{w}}-{{i}}") for i in range({deleted})])
    """
).format(versions=VERSIONS, docs=DOCS, deleted=DELETED)


def test_concurrent_writers_through_one_worker_lose_nothing(tmp_path):
    index_dir = tmp_path / "whoosh"
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index_dir), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    env.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    backend = WhooshBackend(str(index_dir))
    backend.clear()
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "marketplace", "purge", "-f", "-Q", WRITER_QUEUE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "-Q", WRITER_QUEUE, "-c", "1", "-P", "solo"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        writers = [
            subprocess.Popen([sys.executable, "-c", WRITER, str(w)], cwd=ROOT, env=env, stderr=subprocess.PIPE)
            for w in range(WRITERS)
        ]
        query = SearchQuery(groups=parse_query("养老服务"), limit=10, facets=True)
        searches, errors = 0, []
        expected = WRITERS * (DOCS - DELETED)
        deadline = time.monotonic() + 240
        final = None
        while time.monotonic() < deadline:
            try:
                result = backend.query(query)
                searches += 1
            except Exception as exc:  # noqa: BLE001 - any failure of a search during merges counts
                errors.append(repr(exc))
                continue
            if all(w.poll() is not None for w in writers):
                current = WhooshBackend(str(index_dir)).query(SearchQuery(groups=parse_query("version3"), limit=1))
                if result.count == expected and current.count == expected:
                    final = result
                    break
            time.sleep(0.05)
        for w in writers:
            _, err = w.communicate(timeout=60)
            assert w.returncode == 0, err.decode()[-2000:]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    log_text = worker_log.read_text()
    assert final is not None, f"index never reached {expected} documents; worker log tail:\n{log_text[-3000:]}"
    assert errors == [], errors[:5]
    assert searches > 10
    assert log_text.count("succeeded") >= WRITERS, log_text[-3000:]  # the worker did the writes
    assert "LockError" not in log_text
    assert "Retry" not in log_text and "ERROR" not in log_text, log_text[-3000:]
    # every surviving document is there once, at its last version; the deleted ones are gone
    keys = WhooshBackend(str(index_dir)).indexed_keys()
    assert keys == {("need", f"{w}-{i}") for w in range(WRITERS) for i in range(DELETED, DOCS)}
    stale = WhooshBackend(str(index_dir)).query(SearchQuery(groups=parse_query("version2"), limit=1))
    assert stale.count == 0
