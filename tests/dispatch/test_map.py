"""The map of open orders: shown with a configured tile server, the grid view without one.
(The browser test in tests/browser/test_dispatch_map.py checks tiles and markers in Chromium.)"""

import json
import re

import pytest

from apps.dispatch.checks import map_tile_url_check
from apps.dispatch.models import WorkOrder

TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"


def _points(page) -> list[dict]:
    match = re.search(r'<script id="map-points" type="application/json">(.*?)</script>', page.content.decode(), re.S)
    assert match, "no map points on the page"
    return json.loads(match.group(1))


@pytest.fixture
def placed(desk, order_in):
    """Three orders at 玉林: two open (one without a position), one closed."""
    open_here = order_in("dispatched")
    no_position = order_in("reported")
    closed = order_in("handled")
    WorkOrder.objects.filter(pk=open_here.pk).update(lat="30.628000", lon="104.061000")
    WorkOrder.objects.filter(pk=closed.pk).update(lat="30.629000", lon="104.062000", status="closed")
    return open_here, no_position, closed


def test_without_a_tile_server_the_map_is_the_grid_view(client, desk, placed, settings):
    settings.MAP_TILE_URL = ""
    client.force_login(desk.street_officer)
    page = client.get("/dispatch/map/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-map" not in html and "leaflet.js" not in html
    assert desk.city.grid.name in html  # the grid × category table
    assert "/dispatch/map/" not in client.get("/dispatch/").content.decode()


def test_with_a_tile_server_open_orders_with_a_position_are_marked(client, desk, placed, settings):
    settings.MAP_TILE_URL = TILES
    open_here, no_position, closed = placed
    client.force_login(desk.street_officer)
    page = client.get("/dispatch/map/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-tile-url="{TILES}"' in html
    assert [p["id"] for p in _points(page)] == [open_here.pk]
    assert _points(page)[0]["lat"] == pytest.approx(30.628)
    # The table alternative lists every open order, with or without a position, never the closed one.
    table = html[html.index('id="map-table"') :]
    assert f"/work-orders/{open_here.pk}/" in table and f"/work-orders/{no_position.pk}/" in table
    assert f"/work-orders/{closed.pk}/" not in table
    assert "/dispatch/map/" in client.get("/dispatch/").content.decode()


def test_the_map_shows_only_orders_the_user_may_see(client, desk, placed, settings):
    settings.MAP_TILE_URL = TILES
    client.force_login(desk.other_unit_staff)
    assert _points(client.get("/dispatch/map/")) == []
    client.force_login(desk.lead)
    assert [p["id"] for p in _points(client.get("/dispatch/map/"))] == [placed[0].pk]


def test_the_map_needs_a_sign_in(client, settings):
    settings.MAP_TILE_URL = TILES
    assert client.get("/dispatch/map/").status_code == 302


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("", True),
        ("https://tiles.example.org/{z}/{x}/{y}.png", True),
        ("https://tiles.example.org/{z}/{x}.png", False),
        ("tiles.example.org/{z}/{x}/{y}.png", False),
    ],
)
def test_a_malformed_tile_url_fails_the_system_check(settings, url, ok):
    settings.MAP_TILE_URL = url
    errors = map_tile_url_check()
    assert (errors == []) is ok
    assert all(e.id == "dispatch.E001" for e in errors)
