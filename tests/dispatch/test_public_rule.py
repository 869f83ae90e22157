"""One rule for what is public about a work order (README, "What is public"), held by both channels
that show orders to people who are not parties to them: Open311 ``GET requests`` (JSON and XML)
and ``GET /api/v1/work-orders/`` (list and detail), anonymous or signed in without a part in them.

Public: every order, with its category, status, community and grid, description, dates, the
handling unit, and a location rounded to 0.001° (about 100 m). Never: the reporter (account,
phone, e-mail), the street address, exact coordinates, photos, notes of who was contacted."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.test import Client

from apps.dispatch.models import WorkOrder

pytestmark = pytest.mark.django_db

EXACT_LAT, EXACT_LON = Decimal("30.633187"), Decimal("104.057462")
PUBLIC_LAT, PUBLIC_LON = "30.633", "104.057"


@pytest.fixture
def orders(desk, order_in):
    made = [order_in("reported"), order_in("dispatched"), order_in("handled")]
    WorkOrder.objects.filter(pk__in=[o.pk for o in made]).update(
        lat=EXACT_LAT, lon=EXACT_LON, reporter_email="resident@example.com"
    )
    return made


def personal_data(desk) -> list[str]:
    return [
        "13800000000",  # reporter phone
        "resident@example.com",
        desk.grid_worker.username,  # the reporter's account
        "玉林东路12号",  # the street address
        str(EXACT_LAT),
        str(EXACT_LON),
        "物业王经理",  # who the unit contacted
        "/photos/",
    ]


def _open311(fmt: str, path: str) -> tuple[dict[int, tuple[str, str]], str]:
    """Orders shown by an Open311 read: {id: (lat, long)}, and the raw body."""
    response = Client().get(f"/open311/v2/{path}.{fmt}")
    assert response.status_code == 200, response.content
    body = response.content.decode()
    if fmt == "json":
        rows = response.json()
        return {int(r["service_request_id"]): (r["lat"], r["long"]) for r in rows}, body
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's answer in a test
    return {
        int(r.find("service_request_id").text): (r.find("lat").text, r.find("long").text)
        for r in root.findall("request")
    }, body


def _api(client, path: str) -> tuple[dict[int, tuple[str, str]], str]:
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    data = response.json()
    rows = data.get("results", [data])
    return {r["id"]: (r["lat"], r["lon"]) for r in rows}, response.content.decode()


def test_open311_and_the_work_orders_api_show_the_same_public_orders_and_no_personal_data(api, desk, orders, make_user):
    everyone = {o.pk: (PUBLIC_LAT, PUBLIC_LON) for o in orders}
    outsider = make_user()  # signed in, no part in any order
    readers = {"anonymous": api, "signed-in non-party": api.as_user(outsider)}

    seen = {}  # channel: (the orders it should show, what it showed, its body)
    for fmt in ("json", "xml"):
        seen[f"open311 list {fmt}"] = (everyone, *_open311(fmt, "requests"))
        for order in orders:
            one = {order.pk: everyone[order.pk]}
            seen[f"open311 {order.pk}.{fmt}"] = (one, *_open311(fmt, f"requests/{order.pk}"))
    for name, client in readers.items():
        seen[f"api list, {name}"] = (everyone, *_api(client, "work-orders/"))
        for order in orders:
            one = {order.pk: everyone[order.pk]}
            seen[f"api detail {order.pk}, {name}"] = (one, *_api(client, f"work-orders/{order.pk}/"))

    for channel, (expected, shown, body) in seen.items():
        assert shown == expected, channel
        leaked = [value for value in personal_data(desk) if value in body]
        assert leaked == [], channel


def test_parties_keep_their_full_view(api, desk, orders):
    order = orders[1]
    data = api.as_user(desk.lead).get(f"/api/v1/work-orders/{order.pk}/").json()
    assert data["reporter_phone"] == "13800000000"
    assert data["address"] == "玉林东路12号"
    assert Decimal(data["lat"]) == EXACT_LAT
