"""A worker's phone at 390 px (#22): the community member shows the shift's code, the worker types
its six characters to check in, and checks out later with the code shown then; the service log is
made. Screenshots of /shifts/mine/ and the code page at 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.shifts.models import Attendance
from tests.browser.conftest import _new_page, may_sign_in, shot, sign_in, visit
from tests.factories.projects import make_project
from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-Secret-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def moved_clock(monkeypatch):
    """Yesterday's 08:50 when the test starts, flowing from there; ``jump`` moves it on."""
    real = timezone.now
    state = {"offset": dt.timedelta()}
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    state["offset"] = local(yesterday, 8, 50) - real()
    monkeypatch.setattr(timezone, "now", lambda: real() + state["offset"])

    def jump(to):
        state["offset"] = to - real()

    return yesterday, jump


@pytest.fixture
def phones(browser):
    pages = []
    for _ in range(2):
        context, pg = _new_page(browser, PHONE, "zh-CN")
        pages.append((context, pg))
    yield pages[0][1], pages[1][1]
    for context, _ in pages:
        context.close()


def test_worker_checks_in_by_typing_the_code_and_checks_out(
    city, organization, make_user, worker_factory, live_server, phones, moved_clock
):
    day, jump = moved_clock
    worker = worker_factory(organization=organization, name="李社工")
    may_sign_in(worker.user)
    project = make_project(community=city.community, organization=organization, workers=[worker])
    staff = may_sign_in(make_user("community_staff", community=city.community))
    shift = ShiftFactory(project=project, created_by=staff, starts_at=local(day, 9))
    AttendanceFactory(shift=shift, worker=worker)
    worker_page, staff_page = phones

    sign_in(staff_page, live_server, staff.username, PW)
    visit(staff_page, "shift-code-390", url=f"{live_server.url}/shifts/{shift.pk}/code/")
    short = staff_page.locator(".shift-code-screen .short-code").inner_text().split(":")[-1].strip()
    assert len(short) == 6
    assert staff_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    sign_in(worker_page, live_server, worker.user.username, PW)
    visit(worker_page, "shift-mine-390", url=f"{live_server.url}/shifts/mine/")
    assert worker_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    worker_page.get_by_label("签到码").fill(short)
    worker_page.get_by_role("button", name="签到", exact=True).click()
    worker_page.wait_for_load_state("load")
    assert "已签到" in worker_page.locator(".messages").inner_text()
    assert Attendance.objects.get(shift=shift).status == "checked_in"
    shot(worker_page, "shift-mine-checked-in-390")

    jump(local(day, 11, 2))
    staff_page.reload()
    short = staff_page.locator(".shift-code-screen .short-code").inner_text().split(":")[-1].strip()
    worker_page.reload()
    worker_page.get_by_label("签退码").fill(short)
    worker_page.get_by_label("服务内容").fill("长者助餐，服务 8 人")
    worker_page.get_by_label("服务对象人次").fill("8")
    worker_page.get_by_role("button", name="签退", exact=True).click()
    worker_page.wait_for_load_state("load")
    assert "已签退" in worker_page.locator(".messages").inner_text()
    attendance = Attendance.objects.select_related("service_log").get(shift=shift)
    assert attendance.status == "checked_out"
    assert attendance.service_log.evidence == "checkin" and attendance.service_log.witness == staff
    shot(worker_page, "shift-mine-checked-out-390")
