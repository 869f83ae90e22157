"""Work order lists read cleanly: no separator left hanging when an order has no address, and the
units handling an order joined by one separator (、 in Chinese), the lead unit first."""

from __future__ import annotations

import re

import pytest

from apps.dispatch.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_inbox_leaves_out_the_separator_when_the_order_has_no_address(client, desk, order_in):
    order = order_in("dispatched")
    WorkOrder.objects.filter(pk=order.pk).update(address="")
    client.force_login(desk.lead)
    html = client.get("/work-orders/inbox/").content.decode()
    assert '<p class="muted">玉林东路社区</p>' in html
    assert not re.search(r"社区 ·\s*</p>", html)


def test_inbox_gives_the_address_after_the_community(client, desk, order_in):
    order_in("dispatched")
    client.force_login(desk.lead)
    assert '<p class="muted">玉林东路社区 · 玉林东路12号</p>' in client.get("/work-orders/inbox/").content.decode()


def test_console_joins_the_lead_and_co_units_with_one_separator(client, desk, order_in):
    order_in("dispatched")
    client.force_login(desk.street_officer)
    html = client.get("/dispatch/").content.decode()
    assert "玉林街道城管科、武侯区生态环境局" in html
    assert " + " not in html
    english = client.get("/en/dispatch/").content.decode()
    assert "玉林街道城管科, 武侯区生态环境局" in english


def test_report_form_selects_ask_to_choose_instead_of_dashes(client, desk):
    client.force_login(desk.grid_worker)
    html = client.get("/work-orders/new/").content.decode()
    assert "请选择网格</option>" in html and "请选择类别</option>" in html
    assert "---------" not in html
