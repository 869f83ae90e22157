"""The dispatch map in Chromium: tiles come only from the configured tile server (a tiny one on
loopback, started here), one marker per open order with a position; without a tile server the
page is the grid view."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from apps.accounts.selectors import user_community_ids
from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.regions.models import Region
from tests.browser.conftest import axe_audit, external_requests, shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE_PATH = re.compile(r"^/tiles/(\d+)/(\d+)/(\d+)\.png$")
POSITIONS = [("30.628100", "104.061200"), ("30.631500", "104.066800"), ("30.624300", "104.058900")]


def _png() -> bytes:
    """A 1×1 light-grey PNG, built by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xdd\xdd\xdd"))


@pytest.fixture
def tile_server():
    """Serves the same PNG for any /tiles/{z}/{x}/{y}.png and records the paths asked for."""
    seen: list[str] = []
    body = _png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(self.path)
            if TILE_PATH.match(self.path):
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = seen
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_orders(community_staff):
    """Three open orders with positions in 玉林, one open without, and one closed."""

    community = Region.objects.get(pk=next(iter(user_community_ids(community_staff))))
    category = DispatchCategory.objects.create(
        code="garbage",
        name="垃圾清运",
        name_en="Garbage removal",
        severity="routine",
        respond_hours=4,
        resolve_hours=24,
    )
    unit = Unit.objects.create(code="yulin-city", name="玉林街道城管科", kind="street_office", region=community.parent)

    def order(**fields):
        return WorkOrder.objects.create(
            community=community, category=category, description="垃圾堆积", reporter=community_staff, **fields
        )

    placed = [order(lat=lat, lon=lon, address=f"玉林东路{i + 1}号") for i, (lat, lon) in enumerate(POSITIONS)]
    order(address="位置不详")
    order(lat="30.626000", lon="104.060000", status="closed", lead_unit=unit)
    return placed


def _tile_requests(page, origin):
    return [url for url in page.requests_seen if url.startswith(origin)]


def test_map_requests_tiles_only_from_the_tile_server_and_marks_each_open_order(
    settings, live_server, page, community_staff, open_orders, tile_server
):
    settings.MAP_TILE_URL = tile_server.origin + "/tiles/{z}/{x}/{y}.png"
    sign_in(page, live_server, community_staff.username, "pw-Secret-123")
    page.goto(f"{live_server.url}/dispatch/map/")
    page.wait_for_load_state("networkidle")

    markers = page.locator(".leaflet-marker-icon.map-marker")
    assert markers.count() == len(open_orders)
    assert sorted(int(m.get_attribute("data-id")) for m in markers.all()) == sorted(o.pk for o in open_orders)
    viewport = page.locator("[data-map]").bounding_box()
    for marker in markers.all():
        box = marker.bounding_box()
        assert viewport["x"] <= box["x"] <= viewport["x"] + viewport["width"]
        assert viewport["y"] <= box["y"] + box["height"] <= viewport["y"] + viewport["height"] + 1

    # Every request went to the site itself or to the tile server, and only for tiles there.
    live_origin = live_server.url
    others = [u for u in page.requests_seen if not u.startswith((live_origin, tile_server.origin, "data:"))]
    assert others == []
    assert external_requests(page) == []
    tiles = _tile_requests(page, tile_server.origin)
    assert tiles, "no tile was requested"
    assert all(TILE_PATH.match(urlsplit(u).path) for u in tiles)
    assert tile_server.seen  # (Leaflet may cancel tiles of a zoom it left before they were served)
    # The tiles are those around 玉林 at the map's zoom (Web Mercator tile maths).
    zoom = max(int(TILE_PATH.match(urlsplit(u).path).group(1)) for u in tiles)
    x_expected = int((104.0612 + 180) / 360 * 2**zoom)
    assert any(int(TILE_PATH.match(urlsplit(u).path).group(2)) == x_expected for u in tiles)
    assert page.locator("img.leaflet-tile").count() > 0
    shot(page, "dispatch-map")

    # Keyboard: + zooms in (tiles of the next level come from the same server); Tab reaches a marker.
    page.locator("[data-map]").focus()
    page.keyboard.press("+")
    wait_until(
        page, f"[...document.querySelectorAll('img.leaflet-tile')].some(i => i.src.includes('/tiles/{zoom + 1}/'))"
    )
    page.wait_for_load_state("networkidle")
    deeper = [u for u in _tile_requests(page, tile_server.origin) if f"/tiles/{zoom + 1}/" in u]
    assert deeper
    page.keyboard.press("Tab")
    assert "map-marker" in page.evaluate("document.activeElement.className")
    # The table alternative lists the open orders, with and without a position.
    assert page.locator("#map-table + .table-scroll tbody tr").count() == len(open_orders) + 1
    axe_audit(page)


def test_without_a_tile_server_the_page_is_the_grid_view(settings, live_server, page, community_staff, open_orders):
    settings.MAP_TILE_URL = ""
    sign_in(page, live_server, community_staff.username, "pw-Secret-123")
    page.goto(f"{live_server.url}/dispatch/map/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-map]").count() == 0
    assert page.locator(".map-marker, img.leaflet-tile").count() == 0
    assert page.locator("table tbody tr").count() == 1  # one grid row (orders without a grid)
    assert external_requests(page) == []
