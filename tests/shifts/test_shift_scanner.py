"""The in-page QR scanner of /shifts/mine/ (#22), server side: jsQR comes from npm
(package.json, `make install`) and is served under /static/vendor/jsqr/ only; without it the page
keeps the code input and has no scan button. The browser side is tests/browser/test_shift_scan.py."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = pytest.mark.django_db
JSQR_INSTALLED = (settings.JSQR_DIST / "jsQR.js").is_file()


@pytest.fixture
def mine(client, scene, clock, day):
    shift = ShiftFactory(project=scene.project, created_by=scene.org_admin, starts_at=local(day, 9))
    AttendanceFactory(shift=shift, worker=scene.worker)
    client.force_login(scene.worker.user)
    clock.set(local(day, 8, 50))
    return lambda: client.get("/shifts/mine/").content.decode()


@pytest.mark.skipif(not JSQR_INSTALLED, reason="jsQR is not installed (make install runs npm ci)")
def test_page_offers_the_scanner_and_serves_jsqr_alone(client, mine):
    html = mine()
    assert 'id="qr-scan"' in html and "扫码签到" in html
    assert "/static/vendor/jsqr/jsQR.js" in html and "/static/js/shift-scan.js" in html
    assert 'name="code"' in html
    assert finders.find("vendor/jsqr/jsQR.js")
    # Only jsQR's dist folder is served, nothing else of node_modules.
    assert finders.find("vendor/jsqr/package.json") is None
    assert finders.find("jsqr/package.json") is None
    assert finders.find(".package-lock.json") is None


def test_without_jsqr_the_page_keeps_the_code_input_only(mine, settings, tmp_path):
    settings.JSQR_DIST = tmp_path
    html = mine()
    assert 'id="qr-scan"' not in html and "vendor/jsqr" not in html and "shift-scan.js" not in html
    assert 'name="code"' in html and "签到码" in html
