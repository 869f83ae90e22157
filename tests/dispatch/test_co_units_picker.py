"""Co-handling units are ticked in a list of checkboxes (no Ctrl-click multi-select), one box per
unit serving the order's area, grouped under the field's legend."""

from __future__ import annotations

import re


def _co_units_fieldset(html: str, prefix: str = "") -> str:
    name = f"{prefix}co_units"
    found = re.search(r"<fieldset>(?:(?!</fieldset>).)*?name=\"" + name + r"\".*?</fieldset>", html, re.S)
    assert found, f"no fieldset holding {name}"
    return found.group(0)


def test_the_console_offers_co_handlers_as_checkboxes(client, desk, order_in):
    order = order_in("called")
    client.force_login(desk.street_officer)
    html = client.get("/dispatch/").content.decode()
    fieldset = _co_units_fieldset(html, f"o{order.pk}-")
    assert "<legend>协办单位" in fieldset
    assert "玉林街道城管科" in fieldset and "武侯区生态环境局" in fieldset
    assert "望江路街道城管科" not in fieldset  # it does not serve this community
    assert len(re.findall(r'<input type="checkbox" name="o\d+-co_units"', fieldset)) == 2
    assert "<select multiple" not in html and 'multiple name="o' not in html
    assert '<option value="" selected>请选择主办单位</option>' in html  # no "---------"


def test_ticked_co_handlers_are_dispatched_from_the_order_page(client, desk, order_in):
    order = order_in("called")
    client.force_login(desk.street_officer)
    page = client.get(f"/work-orders/{order.pk}/").content.decode()
    assert 'type="checkbox" name="co_units"' in _co_units_fieldset(page)
    response = client.post(
        f"/work-orders/{order.pk}/dispatch/",
        {"lead_unit": desk.street_unit.pk, "co_units": [desk.district_unit.pk]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "dispatched"
    assert list(order.co_units.all()) == [desk.district_unit]
