"""The continuing-education summary at the registration period's boundaries, and the warnings
``run_scheduled`` sends 180 and 60 days before the registration ends, each once (#22)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.accounts.selectors import memberships_active
from apps.core.services import policy_update
from apps.core.workspace import workspace_counts
from apps.notifications.models import Notification
from apps.workers.selectors import registration_period, worker_training_summary
from tests.factories.workers import TrainingFactory, pdf_file
from tests.workers.conftest import run_warning_job

pytestmark = pytest.mark.django_db

END = dt.date(2027, 3, 31)  # the registration's last day; the period is 2024-04-01 … 2027-03-31


@pytest.fixture
def worker(people):
    people.worker.registered_until = END
    people.worker.save(update_fields=["registered_until"])
    return people.worker


def summary_of(api, user, worker) -> dict:
    response = api.as_user(user).get(f"/api/v1/workers/{worker.pk}/training-summary/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_period_is_the_three_years_ending_on_the_registration_date(worker):
    assert registration_period(worker) == (dt.date(2024, 4, 1), END)


def test_trainings_on_the_first_and_last_day_count_and_those_outside_do_not(api, people, worker):
    TrainingFactory(worker=worker, completed_on=dt.date(2024, 3, 31), hours=7, verified=True)  # the day before
    TrainingFactory(worker=worker, completed_on=dt.date(2024, 4, 1), hours=10, verified=True)  # first day
    TrainingFactory(worker=worker, completed_on=END, hours=20, verified=True)  # last day
    TrainingFactory(worker=worker, completed_on=END + dt.timedelta(days=1), hours=9, verified=True)  # after
    TrainingFactory(worker=worker, completed_on=END, hours=5)  # pending, last day
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 6, 1), hours=30, rejected=True)  # never counts
    assert summary_of(api, people.admin, worker) == {
        "period_start": "2024-04-01",
        "period_end": "2027-03-31",
        "required": 72,
        "verified_hours": "30.0",
        "pending_hours": "5.0",
        "remaining": "42.0",
    }


def test_the_summary_follows_the_policy_and_the_workers_level(api, people, worker):
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 1, 1), hours=72, verified=True)
    assert summary_of(api, people.worker.user, worker)["remaining"] == "0.0"
    worker.level = "intermediate"
    worker.save(update_fields=["level"])
    assert summary_of(api, people.worker.user, worker)["required"] == 90
    policy_update(actor=people.staff, changes={"ce_hours_social_worker": 100})
    summary = summary_of(api, people.worker.user, worker)
    assert (summary["required"], summary["remaining"]) == (100, "28.0")


def test_a_worker_may_record_training_on_the_periods_first_and_last_day_but_not_before(api, people, worker, clock):
    clock.to_day(END)
    client = api.as_user(worker.user)

    def post(day):
        return client.post(
            "/api/v1/workers/me/trainings/",
            {
                "title": "社会工作伦理",
                "provider": "成都市社会工作者协会",
                "hours": "8",
                "completed_on": day.isoformat(),
                "kind": "course",
                "certificate": pdf_file(),
            },
            format="multipart",
        )

    assert post(END).status_code == 201
    assert post(dt.date(2024, 4, 1)).status_code == 201
    refused = post(dt.date(2024, 3, 31))
    assert refused.status_code == 400
    assert "2024-04-01" in refused.json()["completed_on"][0]
    assert worker_training_summary(worker=worker).pending_hours == Decimal("16.0")


def test_warnings_go_out_180_and_60_days_before_the_end_once_each(people, worker, clock):
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 5, 1), hours=20, verified=True)

    def warnings(user):
        return list(
            Notification.objects.filter(user=user, kind="training_shortfall")
            .order_by("pk")
            .values_list("title", flat=True)
        )

    clock.to_day(END - dt.timedelta(days=181))
    run_warning_job()
    assert warnings(worker.user) == []

    clock.to_day(END - dt.timedelta(days=180))
    run_warning_job()
    run_warning_job()
    assert len(warnings(worker.user)) == 1
    assert "2027-03-31" in warnings(worker.user)[0]
    assert "52.0" in warnings(worker.user)[0]
    assert len(warnings(people.admin)) == 1  # the employer's administrator too
    assert warnings(people.other_admin) == []

    clock.to_day(END - dt.timedelta(days=61))
    run_warning_job()
    assert len(warnings(worker.user)) == 1

    clock.to_day(END - dt.timedelta(days=60))
    run_warning_job()
    clock.to_day(END - dt.timedelta(days=59))
    run_warning_job()
    assert len(warnings(worker.user)) == 2

    clock.to_day(END + dt.timedelta(days=1))
    run_warning_job()
    assert len(warnings(worker.user)) == 2


def test_a_worker_with_enough_verified_hours_is_not_warned(people, worker, clock):
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 5, 1), hours=72, verified=True)
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 6, 1), hours=40)  # pending hours do not count
    clock.to_day(END - dt.timedelta(days=100))
    run_warning_job()
    assert not Notification.objects.filter(kind="training_shortfall").exists()


def test_pending_hours_do_not_spare_the_warning(people, worker, clock):
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 6, 1), hours=72)
    clock.to_day(END - dt.timedelta(days=30))
    run_warning_job()
    assert Notification.objects.filter(user=worker.user, kind="training_shortfall").count() == 1


def test_a_renewed_registration_is_warned_again_in_its_new_period(people, worker, clock):
    clock.to_day(END - dt.timedelta(days=10))
    run_warning_job()
    worker.registered_until = dt.date(2030, 3, 31)
    worker.save(update_fields=["registered_until"])
    clock.to_day(dt.date(2030, 3, 1))
    run_warning_job()
    assert Notification.objects.filter(user=worker.user, kind="training_shortfall").count() == 2


def test_staff_see_the_workers_at_risk_on_their_workspace_and_the_employer_the_queue(people, worker, clock):
    TrainingFactory(worker=worker, completed_on=dt.date(2025, 5, 1), hours=10)
    clock.to_day(END - dt.timedelta(days=90))

    def counts(user):
        return {c.key: c.value for c in workspace_counts(user=user, memberships=memberships_active(user))}

    assert counts(people.staff)["workers_short_of_training"] == 1
    assert counts(people.admin)["trainings_to_verify"] == 1
    assert counts(people.other_admin)["trainings_to_verify"] == 0
    clock.to_day(END - dt.timedelta(days=200))
    assert counts(people.staff)["workers_short_of_training"] == 0
