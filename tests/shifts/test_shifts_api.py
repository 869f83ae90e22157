"""Shifts through the API (#22): create, sign up, codes, check-in and check-out, the service log."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core.jobs import run_job
from apps.notifications.models import Notification
from apps.projects.models import ServiceLog
from apps.projects.services import service_log_create
from apps.shifts.models import Attendance, Shift
from tests.factories.projects import make_project
from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = pytest.mark.django_db

NEAR = {"lat": "30.633500", "long": "104.058300"}  # about 60 m from the factory's place
FAR = {"lat": "30.670000", "long": "104.058000"}  # about 4.1 km north


def shift_payload(day, **overrides):
    data = {
        "starts_at": local(day, 9).isoformat(),
        "ends_at": local(day, 11).isoformat(),
        "place": "玉林东路社区党群服务中心",
        "lat": "30.633000",
        "long": "104.058000",
        "capacity": 2,
        "min_worker_level": "assistant",
        "content": "长者助餐与探访",
    }
    data.update(overrides)
    return data


def make_shift(scene, day, **kwargs):
    return ShiftFactory(project=scene.project, created_by=scene.org_admin, starts_at=local(day, 9), **kwargs)


def code_of(api, user, shift, key="code"):
    response = api.as_user(user).get(f"/api/v1/shifts/{shift.pk}/code/")
    assert response.status_code == 200, response.content
    return response.json()[key]


def test_shift_from_creation_to_confirmed_service_log(api, scene, clock, day):
    admin = api.as_user(scene.org_admin)
    created = admin.post(f"/api/v1/projects/{scene.project.pk}/shifts/", shift_payload(day), format="json")
    assert created.status_code == 201, created.content
    shift_id = created.json()["id"]

    worker = api.as_user(scene.worker.user)
    signed = worker.post(f"/api/v1/shifts/{shift_id}/signup/")
    assert signed.status_code == 201, signed.content
    assert signed.json()["status"] == "signed_up"

    clock.set(local(day, 8, 55))
    shift = Shift.objects.get(pk=shift_id)
    short = code_of(api, scene.staff, shift, "short_code")
    checked_in = worker.post(f"/api/v1/shifts/{shift_id}/check-in/", {"code": short, **NEAR}, format="json")
    assert checked_in.status_code == 200, checked_in.content
    assert checked_in.json()["position_verified"] is True
    assert 0 < checked_in.json()["checkin_distance_m"] < 200

    clock.set(
        local(
            day,
            11,
            3,
        )
    )
    token = code_of(api, scene.staff, shift)
    out = worker.post(
        f"/api/v1/shifts/{shift_id}/check-out/",
        {"code": token, **NEAR, "content": "助餐 12 位长者", "beneficiaries_served": 12},
        format="json",
    )
    assert out.status_code == 200, out.content
    assert out.json()["status"] == "checked_out"
    # 08:55 to 11:03 is 128 minutes, rounded down to 5: 125 minutes.
    assert out.json()["hours"] == "2.08"

    log = ServiceLog.objects.get(pk=out.json()["service_log"])
    assert (log.start_time, log.end_time) == (dt.time(8, 55), dt.time(11, 0))
    assert log.evidence == "checkin"
    assert log.witness == scene.staff
    assert log.witness_role == "community_staff"
    assert log.status == "submitted"

    approved = admin.post(f"/api/v1/service-logs/{log.pk}/approve/")
    assert approved.status_code == 200, approved.content
    log.refresh_from_db()
    assert log.status == "confirmed"
    assert log.confirmed_by == scene.staff
    # A confirmed record is immutable, as any other.
    patch = worker.patch(f"/api/v1/service-logs/{log.pk}/", {"place": "别处"}, format="json")
    assert patch.status_code == 409


def test_only_the_organizations_admin_creates_shifts(api, scene, clock, day):
    url = f"/api/v1/projects/{scene.project.pk}/shifts/"
    assert api.as_user(scene.staff).post(url, shift_payload(day), format="json").status_code == 403
    assert api.as_user(scene.worker.user).post(url, shift_payload(day), format="json").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"ends_at": "{day}T22:00:00+08:00"}, "ends_at"),  # 13 hours: over the daily cap of 12
        ({"starts_at": "{far}T09:00:00+08:00", "ends_at": "{far}T10:00:00+08:00"}, "starts_at"),
        ({"ends_at": "{day}T08:00:00+08:00"}, "ends_at"),
    ],
)
def test_shift_create_refusals_are_400_on_their_field(api, scene, clock, day, overrides, field):
    far = scene.project.end_date + dt.timedelta(days=3)
    payload = shift_payload(
        day, **{k: v.format(day=day, far=far) if isinstance(v, str) else v for k, v in overrides.items()}
    )
    response = api.as_user(scene.org_admin).post(f"/api/v1/projects/{scene.project.pk}/shifts/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_bulk_creates_a_weekly_pattern(api, scene, clock, day):
    monday = day - dt.timedelta(days=day.weekday())
    response = api.as_user(scene.org_admin).post(
        f"/api/v1/projects/{scene.project.pk}/shifts/bulk/",
        {
            "date_from": (monday + dt.timedelta(days=7)).isoformat(),
            "date_to": (monday + dt.timedelta(days=20)).isoformat(),
            "weekdays": [0, 3],
            "start_time": "14:00",
            "end_time": "16:30",
            "place": "长者食堂",
            "capacity": 3,
            "min_worker_level": "assistant",
            "content": "助餐",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    starts = [s["starts_at"][:10] for s in response.json()]
    assert starts == [(monday + dt.timedelta(days=n)).isoformat() for n in (7, 10, 14, 17)]


def test_project_shifts_are_listed_for_its_parties_by_dates(api, scene, clock, day, django_assert_max_num_queries):
    for n in range(3):
        make_shift(scene, day + dt.timedelta(days=n))
    url = f"/api/v1/projects/{scene.project.pk}/shifts/"
    assert api.as_user(scene.outsider).get(url).status_code == 404
    client = api.as_user(scene.staff)
    with django_assert_max_num_queries(12):
        response = client.get(
            url, {"from": (day + dt.timedelta(days=1)).isoformat(), "to": (day + dt.timedelta(days=2)).isoformat()}
        )
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert api.as_user(scene.grid).get(url).json()["count"] == 3
    assert api.as_user(scene.worker.user).get(url, {"from": "not a date"}).status_code == 400


def test_my_shifts_lists_the_workers_own(api, scene, clock, day):
    shift = make_shift(scene, day)
    AttendanceFactory(shift=shift, worker=scene.worker)
    AttendanceFactory(shift=make_shift(scene, day + dt.timedelta(days=1)), worker=scene.worker2)
    response = api.as_user(scene.worker.user).get("/api/v1/shifts/mine/")
    assert response.status_code == 200
    assert [a["shift"]["id"] for a in response.json()["results"]] == [shift.pk]
    assert api.as_user(scene.staff).get("/api/v1/shifts/mine/").status_code == 403


# --- sign-up ------------------------------------------------------------------------------------


def signup(api, worker, shift):
    return api.as_user(worker.user).post(f"/api/v1/shifts/{shift.pk}/signup/")


def test_signup_to_a_full_shift_is_refused(api, scene, clock, day):
    shift = make_shift(scene, day, capacity=1)
    assert signup(api, scene.worker, shift).status_code == 201
    response = signup(api, scene.worker2, shift)
    assert response.status_code == 409
    assert "满" in response.json()["detail"] or "full" in response.json()["detail"]


def test_signup_below_the_shifts_level_is_refused(api, scene, clock, day):
    shift = make_shift(scene, day, min_worker_level="senior")
    response = signup(api, scene.worker, shift)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_signup_when_not_registered_on_the_date_is_refused(api, scene, clock, day):
    scene.worker.registered_until = day - dt.timedelta(days=1)
    scene.worker.save()
    response = signup(api, scene.worker, make_shift(scene, day))
    assert response.status_code == 400


def test_signup_overlapping_another_shift_or_a_live_log_is_refused(api, scene, clock, day):
    first = make_shift(scene, day)
    assert signup(api, scene.worker, first).status_code == 201
    overlapping = ShiftFactory(
        project=scene.project, created_by=scene.org_admin, starts_at=local(day, 10), ends_at=local(day, 12)
    )
    assert signup(api, scene.worker, overlapping).status_code == 400
    service_log_create(
        worker=scene.worker2,
        project=scene.project,
        date=day - dt.timedelta(days=1),
        start_time=dt.time(9, 30),
        end_time=dt.time(10, 30),
        place="社区",
        content="探访",
        beneficiaries_served=1,
    )
    earlier = ShiftFactory(
        project=scene.project, created_by=scene.org_admin, starts_at=local(day - dt.timedelta(days=1), 9)
    )
    clock.set(local(day - dt.timedelta(days=1), 7))
    response = signup(api, scene.worker2, earlier)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_signup_after_the_start_is_refused(api, scene, clock, day):
    shift = make_shift(scene, day)
    clock.set(local(day, 9, 1))
    assert signup(api, scene.worker, shift).status_code == 409


def test_signup_by_a_worker_not_on_the_team_is_refused(api, scene, clock, day, worker_factory, organization):
    stranger = worker_factory(organization=organization)
    other = make_project(
        community=scene.project.community, organization=organization, workers=[stranger], title="别的项目"
    )
    assert other.pk != scene.project.pk
    response = signup(api, stranger, make_shift(scene, day))
    assert response.status_code in (403, 404)


def test_cancel_in_time_and_late(api, scene, clock, day):
    shift = make_shift(scene, day + dt.timedelta(days=3))
    later = make_shift(scene, day)
    assert signup(api, scene.worker, shift).status_code == 201
    assert signup(api, scene.worker, later).status_code == 201
    client = api.as_user(scene.worker.user)
    in_time = client.delete(f"/api/v1/shifts/{shift.pk}/signup/")
    assert in_time.json()["status"] == "cancelled"
    late = client.delete(f"/api/v1/shifts/{later.pk}/signup/")
    assert late.json()["status"] == "late_cancelled"
    told = Notification.objects.get(user=scene.org_admin, kind="shift_late_cancel")
    assert told.title == (
        f"{scene.worker.name} 逾时取消了 {day.year}年{day.month}月{day.day}日 09:00 的排班（{scene.project.title}）"
    )
    # A cancelled place is free again, and the worker may take it back.
    assert signup(api, scene.worker, shift).status_code == 201


# --- codes, check-in, check-out -----------------------------------------------------------------


@pytest.fixture
def signed_up(scene, day):
    shift = make_shift(scene, day)
    AttendanceFactory(shift=shift, worker=scene.worker)
    return shift


def check_in(api, worker, shift, code, **extra):
    return api.as_user(worker.user).post(f"/api/v1/shifts/{shift.pk}/check-in/", {"code": code, **extra}, format="json")


def test_only_the_communitys_staff_and_grid_workers_get_the_code(api, scene, clock, signed_up):
    url = f"/api/v1/shifts/{signed_up.pk}/code/"
    assert api.as_user(scene.worker.user).get(url).status_code == 403
    assert api.as_user(scene.org_admin).get(url).status_code == 403
    assert api.as_user(scene.other_staff).get(url).status_code == 404
    grid = api.as_user(scene.grid).get(url)
    assert grid.status_code == 200
    assert grid.json()["witness_role"] == "grid_worker"
    assert len(grid.json()["short_code"]) == 6


def test_code_rotates_with_the_clock(api, scene, clock, day, signed_up):
    clock.set(local(day, 8, 50))
    first = code_of(api, scene.staff, signed_up, "short_code")
    clock.move(seconds=60)
    assert code_of(api, scene.staff, signed_up, "short_code") != first
    clock.move(seconds=60)
    response = check_in(api, scene.worker, signed_up, first)
    assert response.status_code == 400
    assert response.json()["code"]
    # the code of the step before is still taken (a scan as the code turns)
    clock.move(seconds=-60)
    assert check_in(api, scene.worker, signed_up, first).status_code == 200


def test_replayed_code_is_refused(api, scene, clock, day, signed_up):
    clock.set(local(day, 8, 55))
    code = code_of(api, scene.staff, signed_up)
    assert check_in(api, scene.worker, signed_up, code).status_code == 200
    assert check_in(api, scene.worker, signed_up, code).status_code == 409


def test_another_shifts_code_is_refused(api, scene, clock, day, signed_up):
    other = ShiftFactory(project=scene.project, created_by=scene.org_admin, starts_at=local(day, 14))
    clock.set(local(day, 8, 55))
    response = check_in(api, scene.worker, signed_up, code_of(api, scene.staff, other))
    assert response.status_code == 400
    assert response.json()["code"]
    short = check_in(api, scene.worker, signed_up, code_of(api, scene.staff, other, "short_code"))
    assert short.status_code == 400


def test_yesterdays_poster_code_is_refused_and_todays_accepted(api, scene, clock, day, signed_up):
    clock.set(local(day - dt.timedelta(days=1), 18))
    yesterdays = code_of(api, scene.staff, signed_up, "day_code")
    clock.set(local(day, 8, 55))
    assert check_in(api, scene.worker, signed_up, yesterdays).status_code == 400
    assert (
        check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up, "day_short_code")).status_code
        == 200
    )


def test_check_in_far_from_the_place_is_refused_with_the_distance(api, scene, clock, day, signed_up):
    clock.set(local(day, 8, 55))
    response = check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up), **FAR)
    assert response.status_code == 400
    assert "4" in response.json()["lat"][0]
    attendance = Attendance.objects.get(shift=signed_up, worker=scene.worker)
    assert attendance.status == "signed_up"
    assert 4000 < attendance.refused_distance_m < 4200


def test_check_in_without_position_is_accepted_unverified(api, scene, clock, day, signed_up):
    clock.set(local(day, 9, 10))
    response = check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up))
    assert response.status_code == 200
    assert response.json()["position_verified"] is False
    assert response.json()["late"] is True


def test_check_in_outside_the_window_is_refused(api, scene, clock, day, signed_up):
    clock.set(local(day, 8, 20))
    assert check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up)).status_code == 409
    clock.set(local(day, 9, 31))
    assert check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up)).status_code == 409


def test_check_out_before_check_in_is_refused(api, scene, clock, day, signed_up):
    clock.set(local(day, 9))
    response = api.as_user(scene.worker.user).post(
        f"/api/v1/shifts/{signed_up.pk}/check-out/",
        {"code": code_of(api, scene.staff, signed_up), "content": "x", "beneficiaries_served": 1},
        format="json",
    )
    assert response.status_code == 409


def test_check_out_keeps_the_daily_cap(api, scene, clock, day, signed_up):
    service_log_create(
        worker=scene.worker,
        project=scene.project,
        date=day,
        start_time=dt.time(12, 0),
        end_time=dt.time(22, 30),
        place="社区",
        content="夜间值守",
        beneficiaries_served=1,
        now=local(day + dt.timedelta(days=1), 8),
    )
    clock.set(local(day, 8, 55))
    assert check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up)).status_code == 200
    clock.set(local(day, 11))
    response = api.as_user(scene.worker.user).post(
        f"/api/v1/shifts/{signed_up.pk}/check-out/",
        {"code": code_of(api, scene.staff, signed_up), "content": "助餐", "beneficiaries_served": 3},
        format="json",
    )
    assert response.status_code == 400
    assert "end_time" in response.json()
    assert Attendance.objects.get(shift=signed_up, worker=scene.worker).status == "checked_in"


def test_missing_check_out_closes_as_incomplete_and_an_ordinary_log_follows(api, scene, clock, day, signed_up):
    AttendanceFactory(shift=signed_up, worker=scene.worker2)
    clock.set(local(day, 8, 55))
    assert check_in(api, scene.worker, signed_up, code_of(api, scene.staff, signed_up)).status_code == 200
    clock.set(local(day, 11, 59))
    assert run_job("shifts_close_attendance") == 0
    clock.set(local(day, 12, 1))
    assert run_job("shifts_close_attendance") == 2
    statuses = dict(Attendance.objects.filter(shift=signed_up).values_list("worker_id", "status"))
    assert statuses == {scene.worker.pk: "incomplete", scene.worker2.pk: "absent"}
    late = api.as_user(scene.worker.user).post(
        f"/api/v1/shifts/{signed_up.pk}/check-out/",
        {"code": code_of(api, scene.staff, signed_up), "content": "x", "beneficiaries_served": 1},
        format="json",
    )
    assert late.status_code == 409
    log = service_log_create(
        worker=scene.worker,
        project=scene.project,
        date=day,
        start_time=dt.time(9),
        end_time=dt.time(11),
        place="社区",
        content="助餐",
        beneficiaries_served=3,
    )
    assert log.evidence == "confirmation"


def test_reminders_the_evening_before_and_an_hour_before_go_once(scene, clock, day, signed_up):
    clock.set(local(day - dt.timedelta(days=1), 17))
    assert run_job("shifts_remind") == 0
    clock.set(local(day - dt.timedelta(days=1), 19))
    assert run_job("shifts_remind") == 1
    assert run_job("shifts_remind") == 0
    clock.set(local(day, 8, 5))
    assert run_job("shifts_remind") == 1
    assert Notification.objects.filter(user=scene.worker.user, kind="shift_reminder").count() == 2


def test_attendance_list_is_for_the_organization_and_community(api, scene, clock, signed_up):
    url = f"/api/v1/shifts/{signed_up.pk}/attendance/"
    assert api.as_user(scene.org_admin).get(url).json()["count"] == 1
    assert api.as_user(scene.staff).get(url).status_code == 200
    assert api.as_user(scene.worker.user).get(url).status_code == 403
