"""CONTRACT's API conventions: documented shapes and codes for bad input, never a 500."""

import pytest


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": 123, "legal_form": ["x"], "credit_code": {"a": 1}, "registered_on": "yesterday", "region": None},
        {
            "name": "x" * 100_000,
            "legal_form": "social_service_org",
            "credit_code": "9" * 5000,
            "registered_on": "2020-01-01",
            "region": "510107000000",
        },
        {
            "name": "机构",
            "legal_form": "unknown_form",
            "credit_code": "91350100M000100Y43",
            "registered_on": "2020-01-01",
            "region": "999999999999",
        },
        {
            "name": "机构",
            "legal_form": "company",
            "credit_code": "91350100M000100Y43",
            "registered_on": "2020-13-45",
            "region": "510107000000",
            "salaried_staff": -3,
        },
    ],
)
def test_bad_organization_input_is_a_400_with_field_errors(api, city, make_user, payload):
    response = api.as_user(make_user()).post("/api/v1/organizations/", payload, format="json")
    assert response.status_code == 400
    assert isinstance(response.data, dict) and response.data
    for messages in response.data.values():
        assert isinstance(messages, (list, str))


def test_non_json_body_is_a_400(api, make_user, city):
    response = api.as_user(make_user()).post(
        "/api/v1/organizations/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.data


def test_pagination_shape_and_page_size_limit(api, city):
    response = api.get("/api/v1/regions/?page_size=2")
    assert set(response.data) == {"count", "next", "previous", "results"}
    assert len(response.data["results"]) == 2
    assert api.get("/api/v1/regions/?page_size=101").status_code == 400
    assert api.get("/api/v1/regions/?page_size=abc").status_code == 400
    assert api.get("/api/v1/regions/?page=999").status_code == 404


def test_regions_filter_by_level_and_parent(api, city):
    streets = api.get("/api/v1/regions/?level=street&parent=510107000000").data["results"]
    assert [s["code"] for s in streets] == ["510107006000", "510107007000"]
    assert streets[0]["parent"] == "510107000000"
    assert api.get("/api/v1/regions/?level=planet").status_code == 400


def test_messages_follow_accept_language(api):
    zh = api.get("/api/v1/me/")
    en = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 401
    assert zh.data["detail"] != en.data["detail"]
    assert "credentials" in en.data["detail"]


def test_categories_and_rubric(api):
    codes = [c["code"] for c in api.get("/api/v1/categories/").data]
    assert codes[:3] == ["elderly", "disability", "children_youth"] and "other" in codes and len(codes) == 12
    rubric = api.get("/api/v1/rubric/").data
    assert sum(r["weight"] for r in rubric) == 100


def test_policy_patch_makes_a_new_version_and_only_staff_may(api, make_user):
    before = api.get("/api/v1/policy/").data
    assert before["min_bidding_days"] == 5 and before["dividend_cap_percent"] == "35.00"
    org_user = api.as_user(make_user("reviewer"))
    assert org_user.patch("/api/v1/policy/", {"min_bidding_days": 7}, format="json").status_code == 403
    staff = api.as_user(make_user("platform_staff"))
    after = staff.patch("/api/v1/policy/", {"min_bidding_days": 7}, format="json")
    assert after.status_code == 200
    assert after.data["version"] == before["version"] + 1
    assert api.get("/api/v1/policy/").data["min_bidding_days"] == 7
    bad = staff.patch("/api/v1/policy/", {"statutory_reserve_percent": "150"}, format="json")
    assert bad.status_code == 400 and "statutory_reserve_percent" in bad.data


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organizations/" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower() and "jsdelivr" not in docs.lower()


def test_policy_scorecard_weights_must_sum_to_100_and_legal_forms_must_be_known(api, make_user):
    staff = api.as_user(make_user("platform_staff"))
    version = api.get("/api/v1/policy/").data["version"]
    lopsided = staff.patch("/api/v1/policy/", {"scorecard_weight_rating": "40"}, format="json")
    assert lopsided.status_code == 400 and "scorecard_weight_rating" in lopsided.data
    unknown = staff.patch("/api/v1/policy/", {"allowed_legal_forms": "company,partnership"}, format="json")
    assert unknown.status_code == 400 and "allowed_legal_forms" in unknown.data
    assert api.get("/api/v1/policy/").data["version"] == version
    moved = staff.patch(
        "/api/v1/policy/",
        {"scorecard_weight_rating": "40", "scorecard_weight_dispatch": "10", "allowed_legal_forms": "company"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.data["version"] == version + 1 and moved.data["allowed_legal_forms"] == "company"
