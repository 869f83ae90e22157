"""Certification applications name the organization by id or by credit code; reads carry both."""

import pytest

from apps.certification.models import Application
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_an_application_names_its_organization_by_id_or_credit_code(api, applicant, enterprise, facts, by):
    client = api.as_user(applicant)
    body = {"organization": named(enterprise, by, "credit_code"), **facts}
    response = client.post("/api/v1/certifications/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Application.objects.get(pk=response.json()["id"]).organization == enterprise
    data = client.get(f"/api/v1/certifications/{response.json()['id']}/").json()
    assert (data["organization"], data["organization_code"]) == (enterprise.pk, enterprise.credit_code)


def test_the_registry_names_organization_and_region_by_both(certified, api, enterprise):
    row = api.get("/api/v1/social-enterprises/").json()["results"][0]
    assert (row["organization"], row["organization_code"]) == (enterprise.pk, enterprise.credit_code)
    assert (row["region"], row["region_id"]) == (enterprise.region.code, enterprise.region.pk)
