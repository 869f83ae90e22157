"""Work orders name their community, grid and category by id or by code; reads carry both."""

import pytest

from apps.dispatch.models import WorkOrder
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_a_work_order_is_reported_with_ids_or_codes_and_read_with_both(api, desk, by):
    city = desk.city
    body = {
        "community": named(city.community, by),
        "grid": named(city.grid, by),
        "category": named(desk.garbage, by),
        "description": "垃圾桶满溢",
        "address": "玉林东路1号",
    }
    response = api.as_user(desk.staff).post("/api/v1/work-orders/", body, format="json")
    assert response.status_code == 201, response.json()
    order = WorkOrder.objects.get(pk=response.json()["id"])
    assert (order.community, order.grid, order.category) == (city.community, city.grid, desk.garbage)
    row = api.as_user(desk.staff).get("/api/v1/work-orders/").json()["results"][0]
    assert (row["community"], row["community_id"]) == (city.community.code, city.community.pk)
    assert (row["grid"], row["grid_id"]) == (city.grid.code, city.grid.pk)
    assert (row["category"], row["category_id"]) == ("garbage", desk.garbage.pk)


def test_the_public_form_names_community_grid_and_category_by_both(api, desk, order_in):
    order = order_in("dispatched")
    row = next(r for r in api.get("/api/v1/work-orders/").json()["results"] if r["id"] == order.pk)
    assert (row["community"], row["community_id"]) == (order.community.code, order.community_id)
    assert (row["category"], row["category_id"]) == (order.category.code, order.category_id)
