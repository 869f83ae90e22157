"""A scanned QR code fills the check-in code input with its token (3-29939222-7-…), far longer
than the six characters the input is drawn for: the page shows it whole and its hint says it was
read, instead of asking for six characters."""

from __future__ import annotations

import pytest

from apps.shifts.selectors import code_payload
from tests.factories.shifts import AttendanceFactory, ShiftFactory, local

pytestmark = pytest.mark.django_db


def _signed_up_at_nine(scene, clock, day):
    """The worker signed up for a shift at 09:00, signed in on their phone at 08:50."""
    clock.set(local(day, 8, 50))
    shift = ShiftFactory(starts_at=local(day, 9), project=scene.project, created_by=scene.org_admin)
    AttendanceFactory(worker=scene.worker, shift=shift)
    return shift


def test_scanned_token_is_shown_whole_with_a_hint_that_it_was_read(client, scene, clock, day):
    shift = _signed_up_at_nine(scene, clock, day)
    client.force_login(scene.worker.user)
    token = code_payload(user=scene.staff, shift=shift)["code"]
    html = client.get("/shifts/mine/", {"shift": shift.pk, "code": token}).content.decode()
    assert 'class="code-input scanned"' in html
    assert '<p class="help" id="id_code_helptext">已从扫描的二维码读取，无需输入。</p>' in html
    assert "出示的 6 位字符" not in html.split('id="id_code_helptext"')[1].split("</p>")[0]


def test_typed_code_input_keeps_the_six_character_hint(client, scene, clock, day):
    _signed_up_at_nine(scene, clock, day)
    client.force_login(scene.worker.user)
    html = client.get("/shifts/mine/").content.decode()
    assert 'class="code-input"' in html and "scanned" not in html.split('name="code"')[1].split(">")[0]
    assert '<p class="help" id="id_code_helptext">社区工作人员在现场出示的 6 位字符。</p>' in html
