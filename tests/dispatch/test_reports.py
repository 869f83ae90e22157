"""Resident reports (社区发现 by residents), issue #21: anyone reports with a photo; duplicates
are offered and joined ("我也遇到"); the community triages; the work order's chain follows; the
reporter and the joiners get mail; the public tracking page and API never show personal data."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.core.selectors import policy_current
from apps.dispatch.models import ResidentReport, WorkOrder
from apps.dispatch.report_mail import rate_token
from apps.dispatch.services import (
    report_accept,
    work_order_accept,
    work_order_call,
    work_order_dispatch,
    work_order_reply,
)

pytestmark = pytest.mark.django_db

# 玉林东路社区 centre and its first grid (an outline around it); 望江楼社区 2 km east.
LAT, LON = Decimal("30.630000"), Decimal("104.060000")
EXACT_LAT, EXACT_LON = "30.630412", "104.060388"


@pytest.fixture
def placed(desk):
    city = desk.city
    city.community.lat, city.community.lon = LAT, LON
    city.community.save()
    city.grid.lat, city.grid.lon = LAT, LON
    city.grid.outline = [[30.628, 104.058], [30.628, 104.062], [30.632, 104.062], [30.632, 104.058]]
    city.grid.save()
    city.other_community.lat, city.other_community.lon = Decimal("30.630000"), Decimal("104.081000")
    city.other_community.save()
    return desk


def photo(name="p.png", color=(200, 40, 40), exif_gps=False) -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        image.save(out, format="JPEG", exif=exif)
        return SimpleUploadedFile(name.replace(".png", ".jpg"), out.getvalue(), content_type="image/jpeg")
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def post_report(api, **overrides):
    data = {
        "category": "garbage",
        "description": "小区门口垃圾堆积三天无人清运",
        "lat": EXACT_LAT,
        "long": EXACT_LON,
        "email": "resident@example.org",
        "name": "张秘密",
    }
    data.update(overrides)
    return api.post("/api/v1/reports/", data, format="multipart", REMOTE_ADDR=overrides.pop("ip", "203.0.113.7"))


PRIVATE = ("resident@example.org", "joiner@example.org", "张秘密", EXACT_LAT, EXACT_LON, "203.0.113.7")


FOLLOWERS = {"resident@example.org", "joiner@example.org"}


def follower_mails() -> list:
    """Mails to the reporter and the joiner (staff get their own notifications too)."""
    return [m for m in mail.outbox if m.to[0] in FOLLOWERS]


def assert_no_personal_data(text: str) -> None:
    for value in PRIVATE:
        assert value not in text, value


def test_anonymous_report_with_photo_duplicate_join_accept_dispatch_reply_mails_and_tracking(
    placed, api, client, django_capture_on_commit_callbacks
):
    desk = placed
    with django_capture_on_commit_callbacks(execute=True):
        r = post_report(api, photos=[photo()])
    assert r.status_code == 201, r.content
    body = r.json()
    no = body["tracking_no"]
    assert body["status"] == "submitted" and body["duplicates"] == []
    report = ResidentReport.objects.get(tracking_no=no)
    assert report.community == desk.city.community and report.grid == desk.city.grid
    assert report.photos.count() == 1

    # The same problem 20 m away: offered as a duplicate with its distance; the second resident joins.
    with django_capture_on_commit_callbacks(execute=True):
        r2 = post_report(api, lat="30.630500", long="104.060500", email="", name="", ip="198.51.100.2")
    assert r2.status_code == 201
    dup = r2.json()["duplicates"]
    assert [d["tracking_no"] for d in dup] == [no] and 0 < dup[0]["distance_m"] <= 50
    assert dup[0]["category"] == "garbage" and dup[0]["status"] == "submitted"
    r = api.post(f"/api/v1/reports/{no}/join/", {"email": "joiner@example.org"}, format="json")
    assert r.status_code == 201 and r.json()["joined_count"] == 1
    assert api.post(f"/api/v1/reports/{no}/join/", {"email": "joiner@example.org"}, format="json").status_code == 409

    # Tracking before: public form only.
    page = client.get(f"/r/{no}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert no in html and "垃圾清运" in html and f"/r/{no}/photos/" in html
    assert "30.630" in html  # the rounded position
    assert_no_personal_data(html)
    data = api.get(f"/api/v1/reports/{no}/").json()
    assert data["lat"] == "30.630" and data["long"] == "104.060" and data["joined_count"] == 1
    assert_no_personal_data(str(data))
    assert client.get(data["photos"][0])["Content-Type"] == "image/png"

    # Triage: another community's grid worker may not; the community's grid worker accepts.
    outsider = api.as_user(desk.other_street_officer)
    assert outsider.post(f"/api/v1/reports/{no}/accept/").status_code == 403
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = api.as_user(desk.grid_worker).post(f"/api/v1/reports/{no}/accept/")
    assert r.status_code == 200, r.content
    order = WorkOrder.objects.get(pk=r.json()["work_order"])
    assert order.status == "reported" and order.source == "resident" and order.photos.count() == 1
    assert order.reporter_email == "" and order.community == desk.city.community
    assert {m.to[0] for m in follower_mails()} == FOLLOWERS
    assert all("/r/unsubscribe/" in m.body for m in follower_mails())
    assert api.as_user(desk.grid_worker).post(f"/api/v1/reports/{no}/accept/").status_code == 409

    # The chain follows: call, dispatch (mail), reply (mail with the rating link for the reporter).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        work_order_call(actor=desk.staff, order=order)
        work_order_dispatch(actor=desk.street_officer, order=order, lead_unit=desk.street_unit)
    assert sorted(m.to[0] for m in follower_mails()) == sorted(FOLLOWERS)
    assert ResidentReport.objects.get(pk=report.pk).status == "dispatched"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        work_order_accept(actor=desk.lead, order=order)
        work_order_reply(
            actor=desk.lead, order=order, action="已联系环卫清运，垃圾已清理完毕", contacted="王师傅 13800000000"
        )
    assert sorted(m.to[0] for m in follower_mails()) == sorted(FOLLOWERS)
    reporter_mail = next(m for m in mail.outbox if m.to[0] == "resident@example.org")
    joiner_mail = next(m for m in mail.outbox if m.to[0] == "joiner@example.org")
    assert "?t=" in reporter_mail.body and "?t=" not in joiner_mail.body
    assert reporter_mail.extra_headers["List-Unsubscribe"].startswith("<http")

    # Tracking after: the reply is public, who was contacted is not.
    report.refresh_from_db()
    assert report.status == "handled"
    html = client.get(f"/r/{no}/").content.decode()
    assert "已联系环卫清运" in html and "13800000000" not in html and "王师傅" not in html
    assert_no_personal_data(html)
    data = api.get(f"/api/v1/reports/{no}/").json()
    assert data["replies"][0]["text"].startswith("已联系环卫清运") and data["status"] == "handled"
    assert_no_personal_data(str(data))

    # The reporter rates 5 with the signed link → closed, with a closing mail.
    token = re.search(r"\?t=([^#\s]+)", reporter_mail.body).group(1)
    assert api.post(f"/api/v1/reports/{no}/rate/", {"token": "forged", "rating": 5}, format="json").status_code == 403
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/reports/{no}/rate/", {"token": token, "rating": 5}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    order.refresh_from_db()
    assert order.status == "closed" and order.rating == 5
    assert sorted(m.to[0] for m in follower_mails()) == sorted(FOLLOWERS)
    assert api.post(f"/api/v1/reports/{no}/rate/", {"token": token, "rating": 4}, format="json").status_code == 409

    # Unsubscribe with the one-click link: no more mails to the joiner.
    link = re.search(r"(/r/unsubscribe/[^/\s]+/)", joiner_mail.body).group(1)
    assert client.get(link).status_code == 200
    assert report.followers.get(email="joiner@example.org").unsubscribed_at is not None


def test_low_rating_reopens_the_order(placed, api, order_in, django_capture_on_commit_callbacks):
    desk = placed
    no = post_report(api).json()["tracking_no"]
    api.as_user(desk.staff).post(f"/api/v1/reports/{no}/accept/")
    report = ResidentReport.objects.get(tracking_no=no)
    order = report.work_order
    work_order_call(actor=desk.staff, order=order)
    work_order_dispatch(actor=desk.street_officer, order=order, lead_unit=desk.street_unit)
    work_order_reply(actor=desk.lead, order=order, action="已处理")
    r = api.post(f"/api/v1/reports/{no}/rate/", {"token": rate_token(report), "rating": 2}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    order.refresh_from_db()
    assert order.status == "dispatched" and order.reopened_count == 1 and order.resolved is False


def test_reject_with_public_reason(placed, api, client):
    desk = placed
    no = post_report(api).json()["tracking_no"]
    staff = api.as_user(desk.staff)
    assert staff.post(f"/api/v1/reports/{no}/reject/", {"reason": ""}, format="json").status_code == 400
    r = staff.post(f"/api/v1/reports/{no}/reject/", {"reason": "已由物业处理，不属社区事项"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert "已由物业处理" in client.get(f"/r/{no}/").content.decode()
    assert api.post(f"/api/v1/reports/{no}/join/", {}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"lat": "31.500000", "long": "105.500000"}, "lat", 400),  # outside every community
        ({"description": "垃" * 5000}, "description", 400),
        ({"photos": [SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")]}, "photos", 400),
        ({"photos": [photo(), photo(), photo(), photo()]}, "photos", 400),
        ({"category": "nope"}, "category", 400),
        ({"lat": "abc"}, "lat", 400),
    ],
)
def test_bad_input_is_a_clear_4xx(placed, api, overrides, field, status):
    r = post_report(api, **overrides)
    assert r.status_code == status, r.content
    assert field in r.json()
    assert all(isinstance(m, str) and m for m in r.json()[field])


def test_outside_message_says_so(placed, api):
    r = post_report(api, lat="31.500000", long="105.500000")
    assert "不在本平台服务的任何社区内" in r.json()["lat"][0]


def test_photo_metadata_is_removed(placed, api, client):
    no = post_report(api, photos=[photo(exif_gps=True)]).json()["tracking_no"]
    report = ResidentReport.objects.get(tracking_no=no)
    data = report.photos.get().file.read()
    assert b"PhoneMaker" not in data and data[:2] == b"\xff\xd8"


def test_rate_limited_per_client_and_per_email(placed, api, settings):
    settings.RESIDENT_REPORTS_PER_HOUR = 2
    settings.RESIDENT_REPORTS_PER_EMAIL_PER_HOUR = 2
    assert post_report(api, email="").status_code == 201
    assert post_report(api, email="").status_code == 201
    r = post_report(api, email="")
    assert r.status_code == 429 and r.json()["detail"]
    assert post_report(api, email="a@example.org", ip="198.51.100.9").status_code == 201
    assert post_report(api, email="a@example.org", ip="198.51.100.10").status_code == 201
    assert post_report(api, email="a@example.org", ip="198.51.100.11").status_code == 429


def test_client_address_behind_trusted_proxy(placed, api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RESIDENT_REPORTS_PER_HOUR = 1
    ok = api.post(
        "/api/v1/reports/",
        {"category": "garbage", "description": "垃圾", "lat": EXACT_LAT, "long": EXACT_LON},
        format="multipart",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    assert ok.status_code == 201
    assert ResidentReport.objects.get().client_address == "192.0.2.1"
    other = api.post(
        "/api/v1/reports/",
        {"category": "garbage", "description": "垃圾", "lat": EXACT_LAT, "long": EXACT_LON},
        format="multipart",
        HTTP_X_FORWARDED_FOR="192.0.2.2",
    )
    assert other.status_code == 201


def test_duplicate_radius_follows_policy(placed, api):
    post_report(api, email="")
    far = {"lat": "30.631000", "long": "104.060388", "email": ""}  # about 65 m north
    assert post_report(api, **far).json()["duplicates"] == []
    policy = policy_current()
    policy.duplicate_radius_m = 100
    policy.save()
    assert len(post_report(api, **far).json()["duplicates"]) == 2


def test_nearest_centre_without_outline(placed, api):
    r = post_report(api, lat="30.630100", long="104.080500", email="")
    assert r.status_code == 201
    assert ResidentReport.objects.get(tracking_no=r.json()["tracking_no"]).community == placed.city.other_community


def test_regions_carry_centres(placed, api):
    rows = api.get("/api/v1/regions/?level=grid").json()["results"]
    grid = next(r for r in rows if r["code"] == placed.city.grid.code)
    assert grid["lat"] == "30.630000" and grid["long"] == "104.060000"


def test_triage_page_only_for_the_community(placed, client, api):
    desk = placed
    no = post_report(api).json()["tracking_no"]
    client.force_login(desk.grid_worker)
    page = client.get("/dispatch/reports/")
    assert page.status_code == 200 and no in page.content.decode()
    r = client.post(f"/dispatch/reports/{no}/accept/")
    assert r.status_code == 302
    assert ResidentReport.objects.get(tracking_no=no).status == "accepted"
    client.force_login(desk.lead)
    assert client.get("/dispatch/reports/").status_code == 403


def test_triage_page_names_who_reviewed_by_their_name_not_their_login(placed, client, api):
    no = post_report(api).json()["tracking_no"]
    placed.grid_worker.display_name = "网格员小李"
    placed.grid_worker.save(update_fields=["display_name"])
    client.force_login(placed.grid_worker)
    client.post(f"/dispatch/reports/{no}/accept/")
    page = client.get("/dispatch/reports/?status=accepted").content.decode()
    assert no in page and "网格员小李" in page
    assert placed.grid_worker.username not in page


def test_report_form_page_creates_a_report(placed, client):
    page = client.get("/report/")
    assert page.status_code == 200
    r = client.post(
        "/report/",
        {
            "category": placed.garbage.pk,
            "description": "路灯不亮",
            "grid": placed.city.grid.pk,
            "photos": [photo()],
            "email": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    report = ResidentReport.objects.get()
    assert r["Location"].endswith(f"/r/{report.tracking_no}/")
    assert report.lat == LAT and report.photos.count() == 1
    listing = client.get("/reports/").content.decode()
    assert report.tracking_no in listing


def test_open311_anonymous_post_needs_the_policy(placed, client):
    params = {
        "service_code": "garbage",
        "description": "垃圾堆积",
        "lat": EXACT_LAT,
        "long": EXACT_LON,
        "email": "resident@example.org",
        "first_name": "张秘密",
    }
    assert client.post("/open311/v2/requests.json", params).status_code == 403
    policy = policy_current()
    policy.open311_anonymous_posts = True
    policy.save()
    r = client.post("/open311/v2/requests.json", {**params, "media": photo()})
    assert r.status_code == 201, r.content
    no = r.json()[0]["service_request_id"]
    assert no.startswith("R") and r.json()[0]["token"] == no
    report = ResidentReport.objects.get(tracking_no=no)
    assert report.source == "open311" and report.name == "张秘密" and report.photos.count() == 1

    rows = client.get("/open311/v2/requests.json").json()
    row = next(x for x in rows if x["service_request_id"] == no)
    assert row["media_url"].startswith("http") and f"/r/{no}/photos/" in row["media_url"]
    assert row["lat"] == "30.630" and row["long"] == "104.060" and row["status"] == "open"
    assert_no_personal_data(str(rows))
    detail = client.get(f"/open311/v2/requests/{no}.json").json()[0]
    assert detail["service_request_id"] == no
    assert client.get(f"/open311/v2/requests/{no}.xml").status_code == 200
    assert client.get(f"/open311/v2/tokens/{no}.json").json()[0]["service_request_id"] == no

    # Accepted into a work order, it is listed once, as the report.
    report_accept(actor=placed.grid_worker, report=report)
    ids = [x["service_request_id"] for x in client.get("/open311/v2/requests.json").json()]
    assert ids.count(no) == 1 and str(report.work_order_id) not in ids

    bad = client.post("/open311/v2/requests.json", {**params, "lat": "31.9", "long": "105.9"})
    assert bad.status_code == 400
    assert any(word in bad.json()[0]["description"] for word in ("outside every community", "不在"))


def test_workspaces_link_triage_and_a_residents_own_reports(placed, client, api, make_user):
    no = post_report(api).json()["tracking_no"]
    client.force_login(placed.grid_worker)
    page = client.get(reverse("workspace")).content.decode()
    assert reverse("dispatch:report-triage") in page
    resident = make_user("resident", community=placed.city.community)
    client.force_login(resident)
    assert reverse("dispatch:report-new") in client.get(reverse("workspace")).content.decode()
    client.post("/report/", {"category": placed.garbage.pk, "description": "井盖缺失", "grid": placed.city.grid.pk})
    mine = ResidentReport.objects.get(reporter=resident)
    listing = client.get("/reports/?mine=1").content.decode()
    assert mine.tracking_no in listing and no not in listing


def test_report_form_offers_duplicates_first_then_sends_anyway(placed, client):
    data = {"category": placed.garbage.pk, "description": "垃圾堆积", "grid": placed.city.grid.pk}
    assert client.post("/report/", data).status_code == 302
    first = ResidentReport.objects.get()
    page = client.post("/report/", {**data, "description": "同一处垃圾"})
    html = page.content.decode()
    assert page.status_code == 200 and first.tracking_no in html and f"/r/{first.tracking_no}/join/" in html
    assert "同一处垃圾" in html and 'name="confirm_new"' in html
    assert ResidentReport.objects.count() == 1
    assert client.post("/report/", {**data, "description": "同一处垃圾", "confirm_new": "on"}).status_code == 302
    assert ResidentReport.objects.count() == 2
    # "我也遇到" from the offer joins the first report.
    client.post(f"/r/{first.tracking_no}/join/", {"email": ""})
    assert first.followers.filter(joined=True).count() == 1


def test_english_tracking_page(placed, api, client):
    no = post_report(api).json()["tracking_no"]
    html = client.get(f"/en/r/{no}/").content.decode()
    assert 'lang="en"' in html and "waiting for review" in html and "Me too" in html
    assert "待受理" not in html and "我也遇到" not in html.replace("(我也遇到)", "")
