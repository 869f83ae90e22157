"""An index update saved while the broker is down is kept and applied by the relay job once the
broker is back: the edited title is found, the old one no longer, each object indexed once.

The broker here is a Redis address nobody listens on (connection refused, as when Redis is
stopped); the real stopped-Redis case with gunicorn and a worker is tests/ops/test_faults_redis.py."""

from __future__ import annotations

import time

import pytest

from apps.core.jobs import run_due_jobs
from apps.search import tasks
from apps.search.models import PendingIndexUpdate, SearchDocument
from apps.search.services import search_rebuild, search_run
from tests.ops.faults_support import free_port, tasks_through
from tests.search.test_search_api import make_need


@pytest.fixture(autouse=True)
def broker_up_at_start(monkeypatch):
    monkeypatch.setattr(tasks, "_broker_down_until", 0.0)


def _found(text: str) -> list[str]:
    result, _groups = search_run(text=text, types=["need"])
    return [hit.id for hit in result.hits]


def test_title_edited_while_the_broker_is_down_is_searchable_after_the_relay(city, django_capture_on_commit_callbacks):
    need = make_need(city, "春季义诊活动", "为辖区长者上门照护。")
    other = make_need(city, "四点半课堂", "放学后课业辅导。", category="children_youth")
    search_rebuild()
    assert _found("义诊") == [str(need.pk)]

    with tasks_through(f"redis://127.0.0.1:{free_port()}/0"):  # the broker refuses connections
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            need.title = "夜间助浴活动"
            need.save()
        first = time.monotonic() - started
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            need.title = "夜间助浴服务"
            need.save()
            other.title = "周末托管课堂"
            other.save()
        after = time.monotonic() - started
    assert first < 5, f"the save waited {first:.1f} s on the refused broker"
    assert after < 0.5, f"the next saves tried the known-down broker again ({after:.1f} s)"

    # Nothing reached the index; the three updates wait for the relay.
    assert _found("义诊") == [str(need.pk)] and _found("助浴") == []
    assert PendingIndexUpdate.objects.count() == 3

    results = run_due_jobs(only=["search_index_relay"])  # the broker is back: beat runs the job
    assert results == {"search_index_relay": 2}  # two objects, each indexed once
    assert _found("夜间助浴服务") == [str(need.pk)]
    assert _found("义诊") == []
    assert _found("托管") == [str(other.pk)]
    assert SearchDocument.objects.filter(doc_type="need", obj_id=str(need.pk)).count() == 1
    assert PendingIndexUpdate.objects.count() == 0
    assert run_due_jobs(only=["search_index_relay"]) == {"search_index_relay": 0}


def test_with_the_broker_up_an_edit_is_queued_and_nothing_is_kept(city, django_capture_on_commit_callbacks):
    need = make_need(city, "春季义诊活动", "为辖区长者上门照护。")
    with django_capture_on_commit_callbacks(execute=True):  # the suite's eager broker: indexed at once
        need.title = "夜间助浴服务"
        need.save()
    assert _found("助浴") == [str(need.pk)]
    assert PendingIndexUpdate.objects.count() == 0
