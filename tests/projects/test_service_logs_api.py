import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from apps.projects.models import ServiceLog
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


def post_log(api, scene, payload, worker=None):
    return api.as_user((worker or scene.worker).user).post(URL, payload, format="json")


def test_hours_are_computed_to_two_decimals(api, scene, log_payload):
    response = post_log(api, scene, log_payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hours"] == "2.50"
    assert body["status"] == "submitted"
    assert body["start_time"] == "09:00"
    assert body["end_time"] == "11:30"


def test_odd_minutes_round_to_two_decimals(api, scene, log_payload):
    response = post_log(api, scene, log_payload(start_time="09:00", end_time="09:20"))
    assert response.json()["hours"] == "0.33"


@pytest.mark.parametrize(("start", "end"), [("11:30", "09:00"), ("09:00", "09:00")])
def test_end_not_after_start_is_refused_on_end_time(api, scene, log_payload, start, end):
    response = post_log(api, scene, log_payload(start_time=start, end_time=end))
    assert response.status_code == 400
    assert "end_time" in response.json()


def test_record_across_midnight_is_refused_and_must_be_split(api, scene, log_payload):
    """22:00–02:00 is not one record: the end must be after the start on the same date."""
    response = post_log(api, scene, log_payload(start_time="22:00", end_time="02:00"))
    assert response.status_code == 400
    assert "midnight" in response.json()["end_time"][0].lower() or response.json()["end_time"]
    two_days_ago = (scene.yesterday - dt.timedelta(days=1)).isoformat()
    first = post_log(api, scene, log_payload(date=two_days_ago, start_time="22:00", end_time="23:59"))
    second = post_log(api, scene, log_payload(start_time="00:00", end_time="02:00"))
    assert (first.status_code, second.status_code) == (201, 201)


def test_overlap_with_own_record_in_another_project_is_refused(api, scene, log_payload, city, organization):
    other = make_project(
        community=city.community, organization=organization, workers=[scene.worker], title="另一个项目"
    )
    assert post_log(api, scene, log_payload()).status_code == 201
    response = post_log(api, scene, log_payload(project=other.pk, start_time="11:00", end_time="12:00"))
    assert response.status_code == 400
    assert "start_time" in response.json() and "end_time" in response.json()


def test_touching_records_do_not_overlap(api, scene, log_payload):
    assert post_log(api, scene, log_payload()).status_code == 201
    assert post_log(api, scene, log_payload(start_time="11:30", end_time="12:00")).status_code == 201


def test_rejected_record_does_not_block_its_time(api, scene, log_payload):
    first = post_log(api, scene, log_payload()).json()
    api.as_user(scene.org_admin).post(f"{URL}{first['id']}/reject/", {"reason": "时间有误"}, format="json")
    assert post_log(api, scene, log_payload()).status_code == 201


def test_other_workers_may_overlap(api, scene, log_payload):
    assert post_log(api, scene, log_payload()).status_code == 201
    assert post_log(api, scene, log_payload(), worker=scene.worker2).status_code == 201


def test_future_date_is_refused(api, scene, log_payload):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post_log(api, scene, log_payload(date=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "date" in response.json()


def test_outside_project_period_is_refused(api, scene, log_payload):
    before = scene.project.start_date - dt.timedelta(days=1)
    scene.project.start_date = scene.yesterday
    scene.project.save()
    response = post_log(api, scene, log_payload(date=(scene.yesterday - dt.timedelta(days=1)).isoformat()))
    assert response.status_code == 400
    assert "date" in response.json()
    assert before  # the project started long before; only the moved start refuses the date


def test_beyond_late_logging_window_is_refused(api, scene, log_payload):
    days = policy_current().late_logging_days
    too_old = timezone.localdate() - dt.timedelta(days=days + 1)
    response = post_log(api, scene, log_payload(date=too_old.isoformat()))
    assert response.status_code == 400
    assert "date" in response.json()
    on_edge = timezone.localdate() - dt.timedelta(days=days)
    assert post_log(api, scene, log_payload(date=on_edge.isoformat())).status_code == 201


def test_late_logging_window_follows_the_policy(api, scene, log_payload):
    current = policy_current()
    PolicyVersion.objects.create(version=current.version + 1, late_logging_days=1, note="stricter")
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    response = post_log(api, scene, log_payload(date=three_days_ago.isoformat()))
    assert response.status_code == 400
    assert "date" in response.json()


def test_over_daily_cap_is_refused(api, scene, log_payload):
    cap = policy_current().daily_hours_cap
    assert cap == Decimal(12)
    assert post_log(api, scene, log_payload(start_time="06:00", end_time="12:00")).status_code == 201
    assert post_log(api, scene, log_payload(start_time="12:00", end_time="18:00")).status_code == 201
    response = post_log(api, scene, log_payload(start_time="18:00", end_time="18:30"))
    assert response.status_code == 400
    assert "end_time" in response.json()


def test_unqualified_worker_is_refused(api, scene, log_payload):
    scene.worker.registered_until = scene.yesterday - dt.timedelta(days=1)
    scene.worker.save()
    response = post_log(api, scene, log_payload())
    assert response.status_code == 400
    assert "date" in response.json()


def test_unverified_worker_is_refused(api, scene, log_payload):
    scene.worker.verified = False
    scene.worker.save()
    response = post_log(api, scene, log_payload())
    assert response.status_code == 400
    assert "date" in response.json()


def test_worker_not_on_team_is_refused(api, scene, log_payload, worker_factory, organization):
    stranger = worker_factory(organization=organization)
    response = post_log(api, scene, log_payload(), worker=stranger)
    assert response.status_code == 400
    assert "project" in response.json()


def test_worker_who_left_the_team_is_refused_after_leaving(api, scene, log_payload):
    member = scene.project.team.get(worker=scene.worker)
    member.end_date = scene.yesterday - dt.timedelta(days=1)
    member.save()
    response = post_log(api, scene, log_payload())
    assert response.status_code == 400
    assert "project" in response.json()


def test_non_worker_cannot_log(api, scene, log_payload):
    response = api.as_user(scene.org_admin).post(URL, log_payload(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "overrides",
    [
        {"project": "abc"},
        {"project": 999999999},
        {"project": 10**30},
        {"date": "2026-13-40"},
        {"start_time": "25:00"},
        {"end_time": ["x"]},
        {"place": "x" * 5000},
        {"content": "x" * 100000},
        {"beneficiaries_served": -1},
        {"beneficiaries_served": "many"},
    ],
)
def test_bad_input_is_a_400_not_a_500(api, scene, log_payload, overrides):
    response = post_log(api, scene, log_payload(**overrides))
    assert response.status_code == 400
    assert set(overrides) <= set(response.json())


def test_unauthenticated_is_401(api, log_payload):
    assert api.post(URL, log_payload(), format="json").status_code == 401


def test_list_filters_and_visibility(api, scene, log_payload):
    post_log(api, scene, log_payload())
    post_log(api, scene, log_payload(), worker=scene.worker2)
    own = api.as_user(scene.worker.user).get(URL).json()
    assert own["count"] == 1
    org = api.as_user(scene.org_admin).get(URL, {"worker": scene.worker2.pk}).json()
    assert org["count"] == 1 and org["results"][0]["worker"] == scene.worker2.pk
    assert api.as_user(scene.staff).get(URL, {"status": "submitted"}).json()["count"] == 2
    assert api.as_user(scene.staff).get(URL, {"status": "confirmed"}).json()["count"] == 0
    assert api.as_user(scene.other_staff).get(URL).json()["count"] == 0
    assert api.as_user(scene.outsider).get(URL).json()["count"] == 0
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert api.as_user(scene.staff).get(URL, {"date_from": future}).json()["count"] == 0
    assert api.as_user(scene.staff).get(URL, {"date_to": future}).json()["count"] == 2


@pytest.mark.parametrize("params", [{"date_from": "yesterday"}, {"status": "done"}, {"worker": "x"}])
def test_bad_filters_are_400(api, scene, params):
    response = api.as_user(scene.staff).get(URL, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_list_query_count_does_not_grow_with_rows(api, scene, log_payload, django_assert_max_num_queries):
    for start, end in [("06:00", "07:00"), ("07:00", "08:00"), ("08:00", "09:00")]:
        post_log(api, scene, log_payload(start_time=start, end_time=end))
    client = api.as_user(scene.staff)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 3


def test_pending_record_can_be_changed_and_deleted_by_its_worker(api, scene, log_payload):
    log = post_log(api, scene, log_payload()).json()
    client = api.as_user(scene.worker.user)
    changed = client.patch(f"{URL}{log['id']}/", {"end_time": "12:00"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["hours"] == "3.00"
    assert client.delete(f"{URL}{log['id']}/").status_code == 204
    assert not ServiceLog.objects.exists()
