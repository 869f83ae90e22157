"""The OpenAPI schema says what the API does: nullable fields, times, error answers, anonymous
access (issue 18, "The schema tells the truth"). The fuzz test checks the same against a live
server; these pin each finding of the first fuzz run."""

import datetime
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in OPERATIONS:
            if method in item:
                yield path, method, item[method]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Application", "policy_version"),
        ("Application", "renewal_of"),
        ("CertificationEvent", "actor"),
        ("Report", "fund_amount"),
        ("Report", "organization_amount"),
        ("WorkOrder", "grid"),
        ("WorkOrder", "lead_unit"),
        ("Event", "unit"),
    ],
)
def test_fields_that_can_be_null_are_declared_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable") is True


def test_service_log_times_are_declared_as_hh_mm(schema):
    for name in ("start_time", "end_time"):
        declared = schema["components"]["schemas"]["ServiceLog"]["properties"][name]
        assert "format" not in declared
        assert declared["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d$"


@pytest.mark.parametrize("path", ["/api/v1/needs/", "/api/v1/organizations/", "/api/v1/policy/"])
def test_public_reads_are_declared_anonymous(schema, path):
    assert {} in schema["paths"][path]["get"]["security"]


def test_operations_that_need_a_signed_in_user_are_not_declared_anonymous(schema):
    assert {} not in schema["paths"]["/api/v1/me/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/needs/"]["post"]["security"]


def test_every_operation_documents_the_error_answers_contract_gives(schema):
    missing = []
    for path, method, operation in _operations(schema):
        expected = {"401", "403"}
        if method != "get":
            expected |= {"400", "404"}
        if "{" in path:
            expected.add("404")
        if method != "get" and "{" in path:
            expected.add("409")
        if not expected <= set(operation["responses"]):
            missing.append(f"{method.upper()} {path}: {sorted(expected - set(operation['responses']))}")
    assert missing == []


def test_error_answers_have_contract_bodies(schema):
    responses = schema["paths"]["/api/v1/needs/{id}/publish/"]["post"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorBody"
    }
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_paging_parameters_declare_their_bounds(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/needs/"]["get"]["parameters"]}
    assert parameters["page"]["minimum"] == 1
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 100)


def test_amounts_are_declared_with_at_least_one_digit_and_no_sign_when_negative_is_refused(schema):
    declared = schema["components"]["schemas"]["NeedRequest"]["properties"]["budget_min"]
    assert declared["pattern"].startswith(r"^\d{1,")


def test_search_declares_that_an_empty_type_means_every_type(schema):
    declared = next(p for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"] if p["name"] == "type")
    assert re.fullmatch(declared["schema"]["pattern"], "")
    assert re.fullmatch(declared["schema"]["pattern"], "need,worker")
    assert not re.fullmatch(declared["schema"]["pattern"], "need,")


def test_dates_are_written_with_four_digit_years_as_their_schema_format_says():
    # A date before the year 1000 (a typo such as 0413 for 2026) is still an ISO 8601 date.
    assert serializers.DateField().to_representation(datetime.date(413, 3, 1)) == "0413-03-01"


@pytest.mark.parametrize("path", ["/api/v1/service-logs/export.csv", "/api/v1/service-logs/export.xlsx"])
def test_export_filters_declare_that_an_empty_value_means_no_filter(schema, path):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    for name in ("worker", "project", "status", "date_from", "date_to"):
        assert parameters[name].get("allowEmptyValue") is True, name
        assert not any(key.startswith("x-") for key in parameters[name]), name


def test_an_empty_export_filter_reads_as_no_filter(api, make_user):
    staff = api.as_user(make_user("platform_staff"))
    assert staff.get("/api/v1/service-logs/export.csv?date_to=&status=").status_code == 200
