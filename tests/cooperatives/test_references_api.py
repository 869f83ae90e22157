"""Cooperatives name their community and organization by id or by code, and reads carry both."""

import pytest

from apps.cooperatives.models import Cooperative
from tests.factories.core import OrganizationFactory
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_a_cooperative_is_created_with_ids_or_codes_and_read_with_both(api, staff, city, by):
    organization = OrganizationFactory(region=city.street, legal_form="cooperative")
    body = {
        "name": "玉林东路社区股份经济合作社",
        "community": named(city.community, by),
        "organization": named(organization, by, "credit_code"),
        "registered_capital": "500000.00",
    }
    response = api.as_user(staff).post("/api/v1/cooperatives/", body, format="json")
    assert response.status_code == 201, response.json()
    coop = Cooperative.objects.get(pk=response.json()["id"])
    assert (coop.community, coop.organization) == (city.community, organization)
    data = api.as_user(staff).get(f"/api/v1/cooperatives/{coop.pk}/").json()
    assert (data["community"], data["community_id"]) == (city.community.code, city.community.pk)
    assert (data["organization"], data["organization_code"]) == (organization.pk, organization.credit_code)
