"""The satisfaction rating of a handled work order says what each number means (#20)."""

import pytest

pytestmark = pytest.mark.django_db


def test_work_order_rating_choices_are_labelled_from_very_poor_to_very_good(client, desk, order_in):
    order = order_in("handled")
    client.force_login(desk.staff)
    page = client.get(f"/work-orders/{order.pk}/").content.decode()
    for n, label in enumerate(["很差", "较差", "一般", "较好", "很好"], start=1):
        assert f"{n} · {label}" in page
    assert "5 · Very good" in client.get(f"/en/work-orders/{order.pk}/").content.decode()
