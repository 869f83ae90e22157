"""A resident reports a problem with a photo on a phone (390 px), without an account, and follows
it to its closing: the community's grid worker takes it up on the triage page, the chain
(call → dispatch → reply) runs, the mail's rating link closes it. Screenshots at 390 and 1280 px
of the report form, the tracking page and the triage page (artifacts/screenshots/)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from PIL import Image

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.dispatch.models import DispatchCategory, ResidentReport, Unit
from apps.dispatch.services import work_order_accept, work_order_call, work_order_dispatch, work_order_reply
from apps.regions.models import Region
from tests.browser.conftest import DESKTOP, _new_page, sign_in, visit, wait_until
from tests.browser.test_dispatch_map import tile_server  # noqa: F401 (the loopback tile server fixture)
from tests.factories.core import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "pw-Secret-123"


@pytest.fixture
def phone(browser):
    context, pg = _new_page(browser, PHONE, "zh-CN")
    yield pg
    context.close()


@pytest.fixture
def desktop(browser):
    context, pg = _new_page(browser, DESKTOP, "zh-CN")
    yield pg
    context.close()


@pytest.fixture
def yulin(transactional_db):
    c = Region.objects.create(code="510100000000", name="成都市", level="city")
    d = Region.objects.create(code="510107000000", name="武侯区", level="district", parent=c)
    s = Region.objects.create(code="510107006000", name="玉林街道", level="street", parent=d)
    cm = Region.objects.create(
        code="510107006001",
        name="玉林东路社区",
        level="community",
        parent=s,
        lat=Decimal("30.629"),
        lon=Decimal("104.068"),
    )
    grid = Region.objects.create(
        code="510107006001-01",
        name="玉林东路社区第1网格",
        level="grid",
        parent=cm,
        lat=Decimal("30.629"),
        lon=Decimal("104.068"),
        outline=[[30.6275, 104.067], [30.6275, 104.069], [30.6305, 104.069], [30.6305, 104.067]],
    )
    category = DispatchCategory.objects.create(
        code="garbage", name="垃圾清运", name_en="Garbage removal", respond_hours=4, resolve_hours=24
    )
    unit = Unit.objects.create(code="yulin-city", name="玉林街道城管科", kind="street_office", region=s)

    def person(username, role, **scope):
        user = UserFactory(username=username)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        membership_add(user=user, role=role, **scope)
        return user

    return {
        "community": cm,
        "grid": grid,
        "category": category,
        "unit": unit,
        "grid_worker": person("yulin_grid", Role.GRID_WORKER, community=cm),
        "staff": person("yulin_staff_r", Role.COMMUNITY_STAFF, community=cm),
        "officer": person("yulin_officer", Role.STREET_OFFICER, region=s),
        "lead": person("yulin_unit", Role.UNIT_STAFF, unit=unit),
    }


def _png() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 60)).save(out, format="PNG")
    return {"name": "garbage.png", "mimeType": "image/png", "buffer": out.getvalue()}


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page wider than phone"


def test_a_resident_reports_with_a_photo_and_follows_it_to_closing(settings, live_server, phone, desktop, yulin):
    settings.MAP_TILE_URL = ""  # no tile server: the grid picker
    settings.SITE_BASE_URL = live_server.url
    mail.outbox.clear()

    # 1. The resident, not signed in, reports on a phone with a photo.
    visit(phone, "resident-report-form-390", url=f"{live_server.url}/report/")
    _no_horizontal_scroll(phone)
    phone.select_option("select[name=category]", label="垃圾清运")
    phone.fill("textarea[name=description]", "玉林东路12号门口垃圾桶满溢两天，气味很大")
    phone.select_option("select[name=grid]", label="玉林东路社区 · 玉林东路社区第1网格")
    phone.set_input_files("input[name=photos]", [_png()])
    phone.fill("input[name=email]", "resident@example.org")
    phone.fill("input[name=name]", "李居民")
    phone.locator("form.report-form button[type=submit]").last.click()
    phone.wait_for_load_state("load")
    assert "/r/R" in phone.url, phone.url
    report = ResidentReport.objects.get()
    no = report.tracking_no
    assert report.photos.count() == 1 and report.email == "resident@example.org"
    visit(phone, "resident-report-tracking-submitted-390")
    _no_horizontal_scroll(phone)
    html = phone.content()
    assert no in html and "待受理" in html
    assert "李居民" not in html and "resident@example.org" not in html
    assert phone.locator(".report-photos img").count() == 1
    wait_until(phone, "document.querySelector('.report-photos img').naturalWidth > 0")

    # 2. The grid worker takes it up on the triage page (phone too).
    grid_page = phone.context.browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    grid_page.requests_seen, grid_page.csp_violations = [], []
    grid_page.on("request", lambda req: grid_page.requests_seen.append(req.url))
    sign_in(grid_page, live_server, "yulin_grid", PASSWORD)
    visit(grid_page, "resident-report-triage-390", url=f"{live_server.url}/dispatch/reports/")
    _no_horizontal_scroll(grid_page)
    assert no in grid_page.content()
    grid_page.locator(f"form[action$='/dispatch/reports/{no}/accept/'] button").click()
    grid_page.wait_for_load_state("load")
    report.refresh_from_db()
    assert report.status == "accepted" and report.work_order.source == "resident"
    grid_page.context.close()

    # 3. The chain follows: the community calls the street, the street dispatches, the unit replies.
    order = report.work_order
    work_order_call(actor=yulin["staff"], order=order)
    work_order_dispatch(actor=yulin["officer"], order=order, lead_unit=yulin["unit"])
    work_order_accept(actor=yulin["lead"], order=order)
    work_order_reply(actor=yulin["lead"], order=order, action="环卫所已清运，垃圾桶已清洗", contacted="张师傅")

    to_resident = [m for m in mail.outbox if m.to == ["resident@example.org"]]
    assert len(to_resident) == 3  # taken up, dispatched, replied
    link = re.search(r"(http\S+\?t=\S+)", to_resident[-1].body).group(1)

    # 4. The resident opens the rating link from the mail and rates: the report closes.
    visit(phone, "resident-report-tracking-handled-390", url=link)
    _no_horizontal_scroll(phone)
    assert "环卫所已清运" in phone.content() and "张师傅" not in phone.content()
    phone.locator("#rate input[name=rating][value='5']").check()
    phone.fill("#rate input[name=comment]", "很快就处理了，谢谢")
    phone.locator("#rate button[type=submit]").click()
    phone.wait_for_load_state("load")
    report.refresh_from_db()
    order.refresh_from_db()
    assert report.status == "closed" and order.status == "closed" and report.rating == 5
    visit(phone, "resident-report-tracking-closed-390")
    assert "已办结" in phone.content()
    assert "[data-status=closed]" and phone.locator("[data-status=closed]").count() == 1
    closing = [m for m in mail.outbox if m.to == ["resident@example.org"]][-1]
    assert no in closing.subject

    # The same pages at 1280 px.
    visit(desktop, "resident-report-form-1280", url=f"{live_server.url}/report/")
    visit(desktop, "resident-report-tracking-1280", url=f"{live_server.url}/r/{no}/")
    visit(desktop, "resident-report-list-1280", url=f"{live_server.url}/reports/?status=closed")
    sign_in(desktop, live_server, "yulin_grid", PASSWORD)
    visit(desktop, "resident-report-triage-1280", url=f"{live_server.url}/dispatch/reports/?status=closed")


def test_with_a_tile_server_the_resident_marks_the_place_on_the_map(
    settings,
    live_server,
    phone,
    yulin,
    tile_server,  # noqa: F811 (the imported fixture)
):
    settings.MAP_TILE_URL = tile_server.origin + "/tiles/{z}/{x}/{y}.png"
    phone.goto(f"{live_server.url}/report/")
    wait_until(phone, "document.querySelectorAll('img.leaflet-tile').length > 0")
    assert phone.locator("[data-map]").count() == 1
    box = phone.locator("[data-map]").bounding_box()
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_until(phone, "document.getElementById('id_lat').value !== ''")
    visit(phone, "resident-report-form-map-390")
    _no_horizontal_scroll(phone)
    phone.select_option("select[name=category]", label="垃圾清运")
    phone.fill("textarea[name=description]", "路口井盖松动")
    phone.set_input_files("input[name=photos]", [_png()])
    phone.locator("form.report-form button[type=submit]").last.click()
    phone.wait_for_load_state("load")
    report = ResidentReport.objects.get()
    assert report.community == yulin["community"]
    assert abs(report.lat - Decimal("30.629")) < Decimal("0.002")
    # The tracking page shows the report on the same map, at its rounded position.
    wait_until(phone, "document.querySelectorAll('.leaflet-marker-icon.map-marker').length === 1")
    visit(phone, "resident-report-tracking-map-390")
    assert [u for u in phone.requests_seen if not u.startswith((live_server.url, tile_server.origin, "data:"))] == []
