"""Shift pages (#22): the worker's phone page, the code page, attendance, the project's shifts,
and the hours record's evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.projects.models import ServiceRecord
from apps.projects.services import service_log_approve, service_log_confirm, service_log_create
from apps.shifts.models import Attendance, Shift
from apps.shifts.selectors import code_payload
from apps.shifts.services import shift_check_in, shift_check_out
from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift(scene, day):
    shift = ShiftFactory(project=scene.project, created_by=scene.org_admin, starts_at=local(day, 9))
    AttendanceFactory(shift=shift, worker=scene.worker)
    return shift


def test_worker_checks_in_and_out_by_typing_the_code(client, scene, clock, day, shift):
    client.force_login(scene.worker.user)
    clock.set(local(day, 8, 50))
    page = client.get("/shifts/mine/")
    assert page.status_code == 200
    assert "签到" in page.content.decode()
    short = code_payload(user=scene.staff, shift=shift)["short_code"]
    wrong = client.post(f"/shifts/{shift.pk}/check/", {"code": "ZZZZZZ"})
    assert wrong.status_code == 400
    assert "ZZZZZZ" in wrong.content.decode()  # the form keeps what was typed
    assert client.post(f"/shifts/{shift.pk}/check/", {"code": short.lower()}).status_code == 302
    assert Attendance.objects.get(shift=shift).status == "checked_in"
    clock.set(local(day, 11, 1))
    short = code_payload(user=scene.staff, shift=shift)["short_code"]
    done = client.post(
        f"/shifts/{shift.pk}/check/", {"code": short, "content": "助餐", "beneficiaries_served": "4"}, follow=True
    )
    assert done.status_code == 200
    attendance = Attendance.objects.get(shift=shift)
    assert attendance.status == "checked_out"
    assert str(attendance.service_log.hours) == "2.17"  # 08:50 to 11:01, rounded down to 130 minutes


def test_scanned_link_fills_the_code_in(client, scene, clock, day, shift):
    client.force_login(scene.worker.user)
    clock.set(local(day, 8, 50))
    token = code_payload(user=scene.staff, shift=shift)["code"]
    page = client.get("/shifts/mine/", {"shift": shift.pk, "code": token})
    assert f'value="{token}"' in page.content.decode()


def test_code_page_shows_a_qr_code_and_the_poster(client, scene, clock, day, shift):
    client.force_login(scene.staff)
    page = client.get(f"/shifts/{shift.pk}/code/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 2
    assert 'hx-get="/shifts/' in html
    assert code_payload(user=scene.staff, shift=shift)["day_short_code"] in html
    live = client.get(f"/shifts/{shift.pk}/code/live/")
    assert live.status_code == 200 and "<svg" in live.content.decode()
    client.force_login(scene.worker.user)
    assert client.get(f"/shifts/{shift.pk}/code/").status_code == 403
    client.force_login(scene.other_staff)
    assert client.get(f"/shifts/{shift.pk}/code/").status_code == 404


def test_attendance_page_and_downloads(client, scene, clock, day, shift):
    client.force_login(scene.org_admin)
    page = client.get(f"/shifts/{shift.pk}/attendance/")
    assert page.status_code == 200
    assert scene.worker.name in page.content.decode()
    csv = client.get(f"/shifts/{shift.pk}/attendance/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "已报名" in b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    xlsx = client.get(f"/shifts/{shift.pk}/attendance/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    client.force_login(scene.worker.user)
    assert client.get(f"/shifts/{shift.pk}/attendance/").status_code == 404


def test_admin_opens_a_shift_on_the_project_page(client, scene, clock, day):
    client.force_login(scene.org_admin)
    url = f"/projects/{scene.project.pk}/shifts/"
    assert client.get(url).status_code == 200
    data = {
        "date": (day + dt.timedelta(days=2)).isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "place": "长者食堂",
        "capacity": "2",
        "min_worker_level": "assistant",
        "content": "助餐",
    }
    assert client.post(url, data).status_code == 302
    assert Shift.objects.filter(project=scene.project, place="长者食堂").count() == 1
    too_long = client.post(url, {**data, "end_time": "23:59", "start_time": "06:00"})
    assert too_long.status_code == 400


def test_worker_signs_up_and_cancels_on_the_page(client, scene, clock, day):
    shift = ShiftFactory(
        project=scene.project, created_by=scene.org_admin, starts_at=local(day + dt.timedelta(days=3), 9)
    )
    client.force_login(scene.worker.user)
    assert shift.place in client.get("/shifts/mine/").content.decode()
    client.post(f"/shifts/{shift.pk}/signup/")
    assert Attendance.objects.get(shift=shift).status == "signed_up"
    client.post(f"/shifts/{shift.pk}/signup/", {"action": "cancel"})
    assert Attendance.objects.get(shift=shift).status == "cancelled"


def test_hours_record_shows_the_evidence_and_filters_to_check_in(client, scene, clock, day, shift):
    clock.set(local(day, 8, 55))
    shift_check_in(
        actor=scene.worker.user,
        worker=scene.worker,
        shift=shift,
        code=code_payload(user=scene.grid, shift=shift)["code"],
    )
    clock.set(local(day, 11))
    attendance = shift_check_out(
        actor=scene.worker.user,
        worker=scene.worker,
        shift=shift,
        code=code_payload(user=scene.grid, shift=shift)["code"],
        content="助餐",
        beneficiaries_served=3,
    )
    service_log_approve(actor=scene.org_admin, log=attendance.service_log)
    clock.set(local(day, 16))
    ordinary = service_log_create(
        worker=scene.worker,
        project=scene.project,
        date=day,
        start_time=dt.time(14),
        end_time=dt.time(15),
        place="社区",
        content="探访",
        beneficiaries_served=1,
    )
    service_log_approve(actor=scene.org_admin, log=ordinary)
    service_log_confirm(actor=scene.staff, log=ordinary)

    client.force_login(scene.worker.user)
    pdf = client.post("/hours/record/pdf/", {"evidence": "checkin"})
    assert pdf["Content-Type"] == "application/pdf"
    record = ServiceRecord.objects.get()
    assert (record.evidence, record.records_count, str(record.total_hours)) == ("checkin", 1, "2.08")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "网格员" in page and "现场签到" in page

    client.post("/hours/record/pdf/")
    full = ServiceRecord.objects.get(evidence="")
    assert full.records_count == 2
    html = client.get(full.get_absolute_url()).content.decode()
    assert "社区确认" in html and "现场签到" in html
    only = client.get(full.get_absolute_url(), {"evidence": "checkin"}).content.decode()
    assert "社区确认" not in only.split('id="record-lines"')[1]
