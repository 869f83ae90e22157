"""The in-page QR scanner of /shifts/mine/ (#22) at 390 px, in a Chromium whose camera is a fake
device playing a video of the code page's QR code (made here with segno from the current token,
turned into a Y4M file with Pillow): the worker presses the scan button, the page reads the code
with jsQR (Chromium on Linux has no BarcodeDetector) and checks the worker in. Without a camera
the page says so in Chinese and the code input takes the focus."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import segno
from django.conf import settings
from django.utils import timezone
from PIL import Image

from apps.shifts.models import Attendance
from apps.shifts.selectors import code_payload
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _new_page, may_sign_in, shot, sign_in, visit
from tests.browser.test_shift_checkin import PHONE, PW
from tests.factories.projects import make_project
from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (settings.JSQR_DIST / "jsQR.js").is_file(), reason="jsQR is not installed (make install runs npm ci)"
    ),
]

WIDTH, HEIGHT = 640, 480


@pytest.fixture
def moved_clock(monkeypatch):
    """Yesterday's 08:50 when the test starts, flowing from there (as in test_shift_checkin.py)."""
    real = timezone.now
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    offset = local(yesterday, 8, 50) - real()
    monkeypatch.setattr(timezone, "now", lambda: real() + offset)
    return yesterday


def qr_video(text: str, path) -> None:
    """A few frames of ``text``'s QR code (white without text) in a Y4M file (4:2:0), which
    Chromium's fake camera loops."""
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    if text:
        buffer = io.BytesIO()
        segno.make(text, error="m").save(buffer, kind="png", scale=1, border=4)
        side = HEIGHT - 40
        qr = Image.open(buffer).convert("L").resize((side, side), Image.NEAREST)
        frame.paste(qr, ((WIDTH - side) // 2, 20))
    y = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + y + chroma + chroma)


@pytest.fixture
def camera_browser(browser):
    """Another Chromium of the same Playwright, whose camera is the file ``camera_browser(path)`` gives."""
    opened = []

    def launch(video):
        args = [
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        b = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
        opened.append(b)
        return b

    yield launch
    for b in opened:
        b.close()


def _world(city, organization, make_user, worker_factory, day):
    worker = worker_factory(organization=organization, name="李社工")
    may_sign_in(worker.user)
    project = make_project(community=city.community, organization=organization, workers=[worker])
    staff = may_sign_in(make_user("community_staff", community=city.community))
    shift = ShiftFactory(project=project, created_by=staff, starts_at=local(day, 9))
    AttendanceFactory(shift=shift, worker=worker)
    return worker, staff, shift


def test_worker_checks_in_by_scanning_the_qr_code_with_the_page(
    city, organization, make_user, worker_factory, live_server, camera_browser, moved_clock, tmp_path
):
    day = moved_clock
    worker, staff, shift = _world(city, organization, make_user, worker_factory, day)
    # What the code page's QR code holds now: the link to /shifts/mine/ with the rotating token.
    token = code_payload(user=staff, shift=shift)["code"]
    video = tmp_path / "qr.y4m"
    qr_video(f"{live_server.url}/shifts/mine/?shift={shift.pk}&code={token}", video)

    context, page = _new_page(camera_browser(video), PHONE, "zh-CN")
    try:
        sign_in(page, live_server, worker.user.username, PW)
        visit(page, "shift-mine-scanner-390", url=f"{live_server.url}/shifts/mine/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.get_by_label("签到码").input_value() == ""
        page.get_by_role("button", name="扫码签到").click()
        page.wait_for_url("**/shifts/mine/", wait_until="load")
        page.locator(".messages").wait_for()
        assert "已签到" in page.locator(".messages").inner_text()
        attendance = Attendance.objects.get(shift=shift)
        assert attendance.status == "checked_in"
        assert attendance.checkin_witness_id == staff.pk
        assert page.csp_violations == []
        shot(page, "shift-mine-scanned-390")
    finally:
        context.close()


def test_worker_checks_out_by_scanning_then_fills_in_the_service(
    city, organization, make_user, worker_factory, live_server, camera_browser, monkeypatch, tmp_path
):
    day = timezone.localdate() - dt.timedelta(days=1)
    real = timezone.now
    offset = local(day, 11, 2) - real()
    monkeypatch.setattr(timezone, "now", lambda: real() + offset)
    worker, staff, shift = _world(city, organization, make_user, worker_factory, day)
    Attendance.objects.filter(shift=shift).update(status="checked_in", checkin_at=local(day, 8, 55))
    token = code_payload(user=staff, shift=shift)["code"]
    video = tmp_path / "qr-out.y4m"
    qr_video(f"{live_server.url}/shifts/mine/?shift={shift.pk}&code={token}", video)

    context, page = _new_page(camera_browser(video), PHONE, "zh-CN")
    try:
        sign_in(page, live_server, worker.user.username, PW)
        page.goto(f"{live_server.url}/shifts/mine/")
        page.get_by_role("button", name="扫码签退").click()
        # The code is read; the number of people served is still to be given, so the page asks.
        page.locator("#qr-scan-status", has_text="已识别签退码").wait_for()
        assert page.get_by_label("签退码").input_value() == token
        assert page.evaluate("document.activeElement.name") == "beneficiaries_served"
        assert page.locator(".qr-scan-view").is_hidden()  # the camera is closed again
        shot(page, "shift-mine-scanned-check-out-390")
        page.get_by_label("服务对象人次").fill("6")
        page.get_by_role("button", name="签退", exact=True).click()
        page.wait_for_load_state("load")
        assert "已签退" in page.locator(".messages").inner_text()
        attendance = Attendance.objects.select_related("service_log").get(shift=shift)
        assert attendance.status == "checked_out" and attendance.service_log.evidence == "checkin"
    finally:
        context.close()


def test_native_barcode_detector_is_used_when_the_browser_has_one(
    city, organization, make_user, worker_factory, live_server, camera_browser, moved_clock, tmp_path
):
    """Chromium on Linux has no BarcodeDetector (Android's and macOS's have): a stand-in that
    reads the link whatever the picture shows, while the camera films a white page jsQR reads nothing on."""
    worker, staff, shift = _world(city, organization, make_user, worker_factory, moved_clock)
    link = f"{live_server.url}/shifts/mine/?shift={shift.pk}&code={code_payload(user=staff, shift=shift)['code']}"
    video = tmp_path / "no-qr.y4m"
    qr_video("", video)

    context, page = _new_page(camera_browser(video), PHONE, "zh-CN")
    page.add_init_script(
        f"window.BarcodeDetector = class {{ detect() {{ return Promise.resolve([{{ rawValue: {link!r} }}]); }} }};"
    )
    try:
        sign_in(page, live_server, worker.user.username, PW)
        page.goto(f"{live_server.url}/shifts/mine/")
        page.get_by_role("button", name="扫码签到").click()
        page.wait_for_url("**/shifts/mine/", wait_until="load")
        page.locator(".messages").wait_for()
        assert "已签到" in page.locator(".messages").inner_text()
        assert Attendance.objects.get(shift=shift).status == "checked_in"
    finally:
        context.close()


def test_camera_view_opens_and_closes(
    city, organization, make_user, worker_factory, live_server, camera_browser, moved_clock, tmp_path
):
    worker, _staff, shift = _world(city, organization, make_user, worker_factory, moved_clock)
    video = tmp_path / "no-qr.y4m"
    qr_video("", video)  # a white picture: nothing to read

    context, page = _new_page(camera_browser(video), PHONE, "zh-CN")
    try:
        sign_in(page, live_server, worker.user.username, PW)
        page.goto(f"{live_server.url}/shifts/mine/")
        page.get_by_role("button", name="扫码签到").click()
        page.locator(".qr-scan-view video").wait_for()
        assert page.get_by_role("button", name="扫码签到").is_hidden()
        assert "对准" in page.locator("#qr-scan-status").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "shift-mine-camera-open-390")
        page.get_by_role("button", name="关闭相机").click()
        assert page.locator(".qr-scan-view").is_hidden()
        assert page.evaluate("document.activeElement.name") == "code"
        assert Attendance.objects.get(shift=shift).status == "signed_up"
    finally:
        context.close()


def test_without_a_camera_the_page_says_so_and_focuses_the_code_input(
    city, organization, make_user, worker_factory, live_server, browser, moved_clock
):
    day = moved_clock
    worker, _staff, shift = _world(city, organization, make_user, worker_factory, day)
    context, page = _new_page(browser, PHONE, "zh-CN")
    try:
        sign_in(page, live_server, worker.user.username, PW)
        page.goto(f"{live_server.url}/shifts/mine/")
        # The headless Chromium of the other tests has no camera; a refused permission reads the same.
        page.evaluate(
            "() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotAllowedError')); }"
        )
        page.get_by_role("button", name="扫码签到").click()
        alert = page.locator("#qr-scan-status[role=alert]")
        alert.wait_for()
        assert "相机" in alert.inner_text()
        assert page.evaluate("document.activeElement.name") == "code"
        assert Attendance.objects.get(shift=shift).status == "signed_up"
        shot(page, "shift-mine-camera-refused-390")
    finally:
        context.close()
