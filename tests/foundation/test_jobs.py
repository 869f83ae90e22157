"""Periodic jobs fail alone: a job that raises is rolled back and logged with its name, the other
jobs still run, ``run_scheduled`` exits non-zero naming it, and beat runs each job as its own task."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.core import jobs
from apps.core.tasks import run_job_task
from marketplace.celery import app as celery_app


@pytest.fixture
def failing_and_working_jobs(monkeypatch):
    def broken():
        User.objects.create(username="written-by-the-broken-job")
        raise RuntimeError("the broken job broke")

    def working():
        User.objects.create(username="written-by-the-working-job")
        return "done"

    # Sorted names: the broken job runs first.
    monkeypatch.setitem(jobs._registry, "aaa_broken", broken)
    monkeypatch.setitem(jobs._registry, "zzz_working", working)


@pytest.mark.usefixtures("failing_and_working_jobs")
def test_a_failing_job_does_not_stop_the_others_and_is_rolled_back(db, caplog):
    with caplog.at_level(logging.ERROR, logger="apps.core.jobs"):
        results = jobs.run_due_jobs(only=["aaa_broken", "zzz_working"])
    assert isinstance(results["aaa_broken"], jobs.JobFailed)
    assert results["zzz_working"] == "done"
    assert User.objects.filter(username="written-by-the-working-job").exists()
    assert not User.objects.filter(username="written-by-the-broken-job").exists()
    failure = next(r for r in caplog.records if "aaa_broken" in r.getMessage())
    assert failure.exc_info and "the broken job broke" in str(failure.exc_info[1])


@pytest.mark.usefixtures("failing_and_working_jobs")
def test_run_scheduled_exits_non_zero_and_names_the_failed_job(db):
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 job\\(s\\) failed: aaa_broken"):
        call_command("run_scheduled", "--only", "aaa_broken", "zzz_working", stdout=out)
    assert "zzz_working: done" in out.getvalue()
    assert "aaa_broken: failed: RuntimeError: the broken job broke" in out.getvalue()


def test_run_scheduled_refuses_an_unknown_job_name(db):
    with pytest.raises(CommandError, match="no such job: no_such_job"):
        call_command("run_scheduled", "--only", "no_such_job", stdout=io.StringIO())


@pytest.mark.usefixtures("failing_and_working_jobs")
def test_the_job_task_runs_one_job_and_fails_with_it(db):
    assert run_job_task.delay("zzz_working").get() == "done"
    with pytest.raises(RuntimeError, match="the broken job broke"):
        run_job_task.delay("aaa_broken")


def test_beat_has_one_entry_per_registered_job_each_its_own_task():
    celery_app.finalize()
    schedule = celery_app.conf.beat_schedule
    scheduled = [entry["args"][0] for entry in schedule.values() if entry["task"] == jobs.JOB_TASK]
    assert len(scheduled) == len(set(scheduled))
    assert set(jobs.discover()) <= set(scheduled)
    assert len(jobs.discover()) >= 17
    assert jobs.JOB_TASK in celery_app.tasks
    assert "run-scheduled-jobs" not in schedule
