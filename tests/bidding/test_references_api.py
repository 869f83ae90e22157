"""Needs and proposals name their community, category, fund and organization by id or by code,
and reads carry both."""

import pytest

from apps.bidding.models import Need, Proposal
from apps.core.models import Category
from tests.bidding.conftest import proposal_payload
from tests.bidding.test_needs_api import need_body
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_a_need_is_created_with_ids_or_codes_and_read_with_both(api, world, by):
    city = world.city
    category = Category.objects.get(code="children_youth")
    body = need_body(city, community=named(city.community, by), category=named(category, by), fund=named(city.fund, by))
    response = api.as_user(world.staff).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 201, response.json()
    need = Need.objects.get(pk=response.json()["id"])
    assert (need.community, need.category, need.fund) == (city.community, category, city.fund)
    data = api.as_user(world.staff).get(f"/api/v1/needs/{need.pk}/").json()
    assert (data["community"], data["community_id"]) == (city.community.code, city.community.pk)
    assert (data["category"], data["category_id"]) == ("children_youth", category.pk)
    assert (data["fund"], data["fund_id"]) == (city.fund.code, city.fund.pk)


@pytest.mark.parametrize("by", BY)
def test_a_need_is_patched_with_a_fund_id_or_code(api, world, make_need, by):
    need = make_need(status="draft", fund=None)
    client = api.as_user(world.staff)
    response = client.patch(f"/api/v1/needs/{need.pk}/", {"fund": named(world.city.fund, by)}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["fund"], response.json()["fund_id"]) == (world.city.fund.code, world.city.fund.pk)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (999_999, "No region has the id 999999."),
        ("999999999999", "No region has the code “999999999999”."),
        # A string is always a code, even all digits: the community's id as text names nothing.
        ("__community_id_as_text__", None),
        (12.5, "A region's id (a whole number) or its code (text)."),
        (True, "A region's id (a whole number) or its code (text)."),
        (0, "No region has the id 0."),
    ],
)
def test_a_community_that_matches_neither_is_a_400_saying_what_was_tried(api, world, value, message):
    if value == "__community_id_as_text__":
        value = str(world.city.community.pk)
        message = f"No region has the code “{value}”."
    response = api.as_user(world.staff).post(
        "/api/v1/needs/", need_body(world.city, community=value), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"community": [message]}


def test_a_street_id_is_no_community(api, world):
    response = api.as_user(world.staff).post(
        "/api/v1/needs/", need_body(world.city, community=world.city.street.pk), format="json"
    )
    assert response.status_code == 400
    assert "community" in response.json()


@pytest.mark.parametrize("by", BY)
def test_a_proposal_names_its_organization_by_id_or_credit_code(api, world, make_need, by):
    need = make_need()
    payload = proposal_payload(need, world.a) | {"organization": named(world.a.org, by, "credit_code")}
    response = api.as_user(world.a.admin).post(f"/api/v1/needs/{need.pk}/proposals/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert Proposal.objects.get(pk=response.json()["id"]).organization == world.a.org
    data = response.json()
    assert (data["organization"], data["organization_code"]) == (world.a.org.pk, world.a.org.credit_code)
