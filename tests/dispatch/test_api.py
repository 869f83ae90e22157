import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.dispatch.models import WorkOrder
from apps.notifications.models import Notification
from apps.regions.models import Region

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def report_payload(desk, **extra):
    return {
        "community": desk.city.community.code,
        "grid": desk.city.grid.code,
        "category": "garbage",
        "description": "垃圾桶满溢",
        "address": "玉林东路1号",
        "lat": "30.633000",
        "lon": "104.057000",
        **extra,
    }


def test_categories_and_units_are_listed(api, desk):
    cats = api.get("/api/v1/dispatch/categories/").json()
    assert {
        "id": desk.garbage.pk,
        "code": "garbage",
        "name": "垃圾清运",
        "severity": "routine",
        "respond_hours": 4,
        "resolve_hours": 24,
    } in cats
    units = api.get("/api/v1/units/", {"kind": "street_office", "region": desk.city.street.code}).json()
    assert [u["code"] for u in units["results"]] == ["yulin-city"]
    assert units["results"][0]["region"] == desk.city.street.code
    assert api.get("/api/v1/units/", {"kind": "bogus"}).status_code == 400
    assert api.get("/api/v1/units/", {"region": "nope"}).status_code == 400


@pytest.mark.parametrize("who", ["staff", "grid_worker"])
def test_community_staff_and_grid_workers_report(api, desk, who):
    response = api.as_user(getattr(desk, who)).post("/api/v1/work-orders/", report_payload(desk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "reported"
    assert body["grid"] == desk.city.grid.code
    assert body["lat"] == "30.633000"


def test_others_may_not_report_for_the_community(api, desk, make_user):
    outsider = make_user("community_staff", community=desk.city.other_community)
    for user in (outsider, desk.street_officer, desk.lead):
        response = api.as_user(user).post("/api/v1/work-orders/", report_payload(desk), format="json")
        assert response.status_code == 403
    assert api.post("/api/v1/work-orders/", report_payload(desk), format="json").status_code == 401
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"description": "x" * 5000},
        {"category": "nope"},
        {"community": ["a"]},
        {"grid": "510107007001-01"},
        {"lat": "91"},
        {"lat": "abc"},
        {"description": ""},
    ],
)
def test_bad_report_input_is_a_400(api, desk, bad):
    Region.objects.create(code="510107007001-01", name="他社区网格", level="grid", parent=desk.city.other_community)
    response = api.as_user(desk.staff).post("/api/v1/work-orders/", report_payload(desk, **bad), format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"description", "category", "community", "grid", "lat"}


def test_report_with_photo_is_served_only_to_those_who_see_the_order(api, desk):
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    response = api.as_user(desk.grid_worker).post(
        "/api/v1/work-orders/", {**report_payload(desk), "photos": [photo]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    url = response.json()["photos"][0]["url"]
    got = api.as_user(desk.staff).get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")
    assert api.as_user(desk.other_unit_staff).get(url).status_code == 404


def test_a_non_image_photo_is_refused(api, desk):
    fake = SimpleUploadedFile("p.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = api.as_user(desk.staff).post(
        "/api/v1/work-orders/", {**report_payload(desk), "photos": [fake]}, format="multipart"
    )
    assert response.status_code == 400
    assert "photos" in response.json()


def test_duplicate_on_same_grid_and_category_within_7_days_is_suggested(api, desk, order_in):
    first = order_in("reported")
    client = api.as_user(desk.staff)
    response = client.post("/api/v1/work-orders/", report_payload(desk), format="json")
    assert response.status_code == 409
    assert [d["id"] for d in response.json()["duplicates"]] == [first.pk]
    assert WorkOrder.objects.count() == 1
    confirmed = client.post("/api/v1/work-orders/", report_payload(desk, confirm_not_duplicate=True), format="json")
    assert confirmed.status_code == 201


def test_no_duplicate_suggested_for_other_grid_other_category_closed_or_older(api, desk, order_in):
    order_in("reported")
    client = api.as_user(desk.staff)
    assert (
        client.post("/api/v1/work-orders/", report_payload(desk, grid=desk.other_grid.code), format="json").status_code
        == 201
    )
    assert client.post("/api/v1/work-orders/", report_payload(desk, category="noise"), format="json").status_code == 201
    WorkOrder.objects.update(created_at=timezone.now() - dt.timedelta(days=7, seconds=1))
    assert client.post("/api/v1/work-orders/", report_payload(desk), format="json").status_code == 201


def test_duplicate_window_includes_an_order_reported_just_under_7_days_ago(api, desk, order_in):
    order = order_in("reported")
    WorkOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7) + dt.timedelta(minutes=1)
    )
    assert api.as_user(desk.staff).post("/api/v1/work-orders/", report_payload(desk), format="json").status_code == 409


def test_closed_orders_are_not_suggested_as_duplicates(api, desk, order_in):
    order_in("reported")
    WorkOrder.objects.update(status="closed", lead_unit=desk.street_unit)
    assert api.as_user(desk.staff).post("/api/v1/work-orders/", report_payload(desk), format="json").status_code == 201


def post(api, user, order, action, data=None):
    return api.as_user(user).post(f"/api/v1/work-orders/{order.pk}/{action}/", data or {}, format="json")


def test_full_journey_through_the_api(api, desk, order_in):
    order = order_in("reported")
    assert post(api, desk.grid_worker, order, "call").status_code == 403
    response = post(api, desk.staff, order, "call")
    assert response.status_code == 200 and response.json()["status"] == "called"

    before = timezone.now()
    response = post(
        api,
        desk.street_officer,
        order,
        "dispatch",
        {"lead_unit": "yulin-city", "co_units": ["wuhou-env"], "note": "速办"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["lead_unit"] == "yulin-city" and body["co_units"] == ["wuhou-env"]
    respond_by = dt.datetime.fromisoformat(body["respond_by"])
    resolve_by = dt.datetime.fromisoformat(body["resolve_by"])
    assert before + dt.timedelta(hours=4) <= respond_by <= timezone.now() + dt.timedelta(hours=4)
    assert resolve_by - respond_by == dt.timedelta(hours=20)

    assert post(api, desk.co, order, "accept").status_code == 403
    assert post(api, desk.lead, order, "accept").json()["status"] == "accepted"
    response = post(api, desk.co, order, "co-reply", {"action": "已检测空气质量"})
    assert response.status_code == 200 and response.json()["co_replies"][0]["unit"] == "wuhou-env"
    assert post(api, desk.co, order, "reply", {"action": "x"}).status_code == 403
    response = post(
        api, desk.lead, order, "reply", {"contacted": "物业", "action": "已清运", "completion_by": "2026-12-01"}
    )
    assert response.status_code == 200 and response.json()["status"] == "handled"
    assert response.json()["completion_by"] == "2026-12-01"

    assert post(api, desk.lead, order, "rate", {"rating": 5, "resolved": True}).status_code == 403
    response = post(api, desk.staff, order, "rate", {"rating": 5, "resolved": True, "comment": "满意"})
    assert response.json()["status"] == "closed"
    kinds = [e["kind"] for e in response.json()["events"]]
    assert kinds == ["reported", "called", "dispatched", "accepted", "co_replied", "handled", "closed"]
    # the grid worker who reported it heard of every change made by others

    told = Notification.objects.filter(user=desk.grid_worker, kind="dispatch_reporter").count()
    assert told == len(kinds) - 1


def test_rating_not_resolved_reopens_to_dispatched(api, desk, order_in):
    order = order_in("handled")
    response = post(api, desk.staff, order, "rate", {"rating": 2, "resolved": False, "comment": "还有垃圾"})
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["reopened_count"] == 1
    assert body["accepted_at"] is None
    assert post(api, desk.lead, order, "accept").json()["status"] == "accepted"


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_rating_outside_1_to_5_is_refused(api, desk, order_in, rating):
    order = order_in("handled")
    assert post(api, desk.staff, order, "rate", {"rating": rating, "resolved": True}).status_code == 400


def test_dispatch_is_refused_for_another_streets_officer_and_allowed_for_district(api, desk, order_in):
    order = order_in("called")
    assert post(api, desk.other_street_officer, order, "dispatch", {"lead_unit": "yulin-city"}).status_code == 404
    assert post(api, desk.staff, order, "dispatch", {"lead_unit": "yulin-city"}).status_code == 403
    response = post(api, desk.district_officer, order, "dispatch", {"lead_unit": "wuhou-env"})
    assert response.status_code == 200 and response.json()["lead_unit"] == "wuhou-env"


def test_dispatch_checks_state_and_units(api, desk, order_in):
    order = order_in("reported")
    assert post(api, desk.street_officer, order, "dispatch", {"lead_unit": "yulin-city"}).status_code == 409
    order = order_in("called", category=desk.noise)
    assert post(api, desk.street_officer, order, "dispatch", {"lead_unit": "wangjiang-city"}).status_code == 400
    assert post(api, desk.street_officer, order, "dispatch", {"lead_unit": "nope"}).status_code == 400
    response = post(
        api, desk.street_officer, order, "dispatch", {"lead_unit": "yulin-city", "co_units": ["yulin-city"]}
    )
    assert response.status_code == 400 and "co_units" in response.json()


def test_unit_not_assigned_cannot_see_or_act(api, desk, order_in):
    order = order_in("dispatched")
    assert post(api, desk.other_unit_staff, order, "accept").status_code == 404
    # It reads the order as anyone may (README, "What is public"), not as a party.
    public = api.as_user(desk.other_unit_staff).get(f"/api/v1/work-orders/{order.pk}/").json()
    assert public["id"] == order.pk and public["reporter"] is None and public["address"] is None
    assert api.as_user(desk.other_unit_staff).get("/api/v1/work-orders/").json()["count"] == 0


def test_co_handler_cannot_accept_and_accept_twice_is_a_conflict(api, desk, order_in):
    order = order_in("accepted")
    assert post(api, desk.lead, order, "accept").status_code == 409


def test_reply_accepted_at_in_the_future_is_refused(api, desk, order_in):
    order = order_in("accepted")
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = post(api, desk.lead, order, "reply", {"action": "已处理", "accepted_at": future})
    assert response.status_code == 400 and "accepted_at" in response.json()


def test_reporter_contact_only_for_community_and_lead_unit(api, desk, order_in):
    order = order_in("dispatched")
    url = f"/api/v1/work-orders/{order.pk}/"
    assert api.as_user(desk.staff).get(url).json()["reporter_phone"] == "13800000000"
    assert api.as_user(desk.lead).get(url).json()["reporter_phone"] == "13800000000"
    assert api.as_user(desk.co).get(url).json()["reporter_phone"] is None
    assert api.as_user(desk.street_officer).get(url).json()["reporter_phone"] is None


def test_list_filters_and_visibility(api, desk, order_in, make_user):
    a = order_in("dispatched")
    b = order_in("reported", grid=desk.other_grid)
    client = api.as_user(desk.street_officer)
    assert client.get("/api/v1/work-orders/").json()["count"] == 2
    assert [o["id"] for o in client.get("/api/v1/work-orders/", {"status": "reported"}).json()["results"]] == [b.pk]
    assert [o["id"] for o in client.get("/api/v1/work-orders/", {"unit": "wuhou-env"}).json()["results"]] == [a.pk]
    assert client.get("/api/v1/work-orders/", {"overdue": "true"}).json()["count"] == 0
    WorkOrder.objects.filter(pk=a.pk).update(respond_by=timezone.now() - dt.timedelta(minutes=1))
    assert [o["id"] for o in client.get("/api/v1/work-orders/", {"overdue": "true"}).json()["results"]] == [a.pk]
    assert client.get("/api/v1/work-orders/", {"community": desk.city.community.code}).json()["count"] == 2
    assert api.as_user(desk.other_street_officer).get("/api/v1/work-orders/").json()["count"] == 0
    assert api.as_user(desk.lead).get("/api/v1/work-orders/").json()["count"] == 1
    other_staff = make_user("community_staff", community=desk.city.other_community)
    assert api.as_user(other_staff).get("/api/v1/work-orders/").json()["count"] == 0
    for bad in ({"status": "x"}, {"overdue": "maybe"}, {"community": "nope"}, {"unit": "nope"}):
        assert client.get("/api/v1/work-orders/", bad).status_code == 400


def test_list_query_count_does_not_grow_with_rows(api, desk, order_in):
    client = api.as_user(desk.street_officer)
    client.get("/api/v1/me/")  # a token's first use records its last_used (then at most every few minutes)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/work-orders/").status_code == 200
        return len(ctx.captured_queries)

    order_in("dispatched")
    one = queries()
    for _ in range(5):
        order_in("dispatched")
    assert queries() == one <= 12


def test_schema_documents_work_orders(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/work-orders/{id}/dispatch/" in text
    assert "confirm_not_duplicate" in text


def test_co_reply_only_by_a_co_handling_unit_and_not_after_closing(api, desk, order_in):
    order = order_in("dispatched")
    assert post(api, desk.lead, order, "co-reply", {"action": "主办不能协办回复"}).status_code == 403
    assert post(api, desk.staff, order, "co-reply", {"action": "社区不能"}).status_code == 403
    assert post(api, desk.co, order, "co-reply", {"action": ""}).status_code == 400
    assert post(api, desk.co, order, "co-reply", {"action": "已配合"}).status_code == 200
    order = order_in("handled", grid=desk.other_grid)
    post(api, desk.staff, order, "rate", {"rating": 4, "resolved": True})
    assert post(api, desk.co, order, "co-reply", {"action": "太晚了"}).status_code == 409


def test_duplicate_check_endpoint_lists_candidates_for_reporters_only(api, desk, order_in):
    first = order_in("reported")
    params = {"grid": desk.city.grid.code, "category": "garbage"}
    response = api.as_user(desk.grid_worker).get("/api/v1/work-orders/duplicates/", params)
    assert [d["id"] for d in response.json()] == [first.pk]
    other = {"grid": desk.other_grid.code, "category": "garbage"}
    assert api.as_user(desk.grid_worker).get("/api/v1/work-orders/duplicates/", other).json() == []
    assert api.as_user(desk.lead).get("/api/v1/work-orders/duplicates/", params).status_code == 403
    bad = api.as_user(desk.staff).get("/api/v1/work-orders/duplicates/", {"grid": "x", "category": "y"})
    assert bad.status_code == 400 and set(bad.json()) == {"grid", "category"}
