"""Revenue-share agreements name their organization and fund by id or by code, and reads carry both."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.revenue.models import RevenueShareAgreement
from tests.references import BY, named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("by", BY)
def test_an_agreement_is_created_with_ids_or_codes_and_read_with_both(api, city, enterprise, fund_manager, by):
    today = timezone.localdate()
    body = {
        "organization": named(enterprise, by, "credit_code"),
        "fund": named(city.fund, by),
        "fund_share_percent": "20.00",
        "start": str(today - dt.timedelta(days=10)),
        "end": str(today + dt.timedelta(days=200)),
    }
    response = api.as_user(fund_manager).post("/api/v1/revenue-shares/", body, format="json")
    assert response.status_code == 201, response.json()
    agreement = RevenueShareAgreement.objects.get(pk=response.json()["id"])
    assert (agreement.organization, agreement.fund) == (enterprise, city.fund)
    listed = api.as_user(fund_manager).get("/api/v1/revenue-shares/").json()["results"][0]
    assert (listed["organization"], listed["organization_code"]) == (enterprise.pk, enterprise.credit_code)
    assert (listed["fund"], listed["fund_code"]) == (city.fund.pk, city.fund.code)


def test_a_fund_code_that_names_no_fund_is_a_400_on_fund(api, city, enterprise, fund_manager):
    body = {
        "organization": enterprise.credit_code,
        "fund": "no-such-fund",
        "fund_share_percent": "20.00",
        "start": "2026-01-01",
        "end": "2026-12-31",
    }
    response = api.as_user(fund_manager).post("/api/v1/revenue-shares/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"fund": ["No community fund has the code “no-such-fund”."]}
