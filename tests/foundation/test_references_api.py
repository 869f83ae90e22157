"""Organizations, workers' skills and the reference lists: a request names a region or category by
id or by code; reads carry both (README, "Additions to CONTRACT")."""

import datetime as dt

import pytest

from apps.core.models import Category
from apps.organizations.models import Organization
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_an_organization_is_registered_in_a_region_by_id_or_code(api, city, make_user, by):
    body = {
        "name": "成都市玉林社区发展中心",
        "legal_form": "social_service_org",
        "credit_code": "91350100M000100Y43",
        "registered_on": "2020-05-01",
        "region": named(city.district, by),
        "address": "玉林北路1号",
        "description": "社区服务",
        "salaried_staff": 6,
    }
    response = api.as_user(make_user()).post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Organization.objects.get(pk=response.json()["id"]).region == city.district
    assert (response.json()["region"], response.json()["region_id"]) == (city.district.code, city.district.pk)


@pytest.mark.parametrize("by", BY)
def test_a_worker_names_skills_by_id_or_code(api, make_user, today, by):
    elderly, health = Category.objects.get(code="elderly"), Category.objects.get(code="health")
    response = api.as_user(make_user()).put(
        "/api/v1/workers/me/",
        {
            "name": "王丽",
            "level": "intermediate",
            "certificate_no": "SW2021510001",
            "registered_until": str(today + dt.timedelta(days=500)),
            "skills": [named(elderly, by), named(health, by)],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["skills"]) == ["elderly", "health"]
    assert sorted(response.json()["skill_ids"]) == sorted([elderly.pk, health.pk])


def test_funds_name_their_community_by_id_and_code(api, city):
    funds = {row["id"]: row for row in api.get("/api/v1/funds/").json()["results"]}
    row = funds[city.fund.pk]
    assert (row["community"], row["community_code"]) == (city.community.pk, city.community.code)


def test_me_names_each_scope_of_a_role_by_id_and_code(api, city, organization, make_user):
    expected = [
        (make_user("community_staff", community=city.community), "community", city.community.code, city.community.pk),
        (make_user("org_admin", organization=organization), "organization", organization.pk, organization.credit_code),
        (make_user("fund_manager", fund=city.fund), "fund", city.fund.pk, city.fund.code),
        (make_user("street_officer", region=city.street), "region", city.street.code, city.street.pk),
    ]
    for user, scope, shown, other in expected:
        role = api.as_user(user).get("/api/v1/me/").json()["roles"][0]
        partner = f"{scope}_code" if isinstance(shown, int) else f"{scope}_id"
        assert (role[scope], role[partner]) == (shown, other)


def test_reference_lists_show_ids_beside_codes(api, city):
    category = api.get("/api/v1/categories/").json()
    rows = category["results"] if isinstance(category, dict) else category
    elderly = next(row for row in rows if row["code"] == "elderly")
    assert elderly["id"] == Category.objects.get(code="elderly").pk
    street = next(
        r for r in api.get("/api/v1/regions/?level=street").json()["results"] if r["code"] == city.street.code
    )
    assert (street["parent"], street["parent_id"]) == (city.district.code, city.district.pk)
