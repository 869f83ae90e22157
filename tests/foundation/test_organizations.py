import pytest

from apps.core.validators import credit_code_check_char
from apps.organizations.models import Organization
from tests.factories.core import OrganizationFactory

# Real-format unified social credit codes whose check characters are right.
VALID_CODES = ["91350100M000100Y43", "91110108551385082Q", "913100007109334485"]


def _payload(city, **overrides):
    data = {
        "name": "成都市玉林社区发展中心",
        "legal_form": "social_service_org",
        "credit_code": "91350100M000100Y43",
        "registered_on": "2020-05-01",
        "region": city.district.code,
        "address": "玉林北路1号",
        "description": "社区服务",
        "salaried_staff": 6,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_pass_the_check(code):
    assert credit_code_check_char(code[:17]) == code[17]


def test_registering_makes_the_user_org_admin_and_pending(api, city, make_user):
    user = make_user()
    response = api.as_user(user).post("/api/v1/organizations/", _payload(city), format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending"
    me = api.as_user(user).get("/api/v1/me/").data
    assert {"role": "org_admin", "organization": response.data["id"]}.items() <= me["roles"][0].items()


@pytest.mark.parametrize(
    "bad_code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # too short
        "91350100M0001O0Y43",  # letter O is not allowed
        "92350100M000100Y43",  # one character changed
        "",
    ],
)
def test_wrong_credit_code_is_a_400_on_credit_code(api, city, make_user, bad_code):
    response = api.as_user(make_user()).post(
        "/api/v1/organizations/", _payload(city, credit_code=bad_code), format="json"
    )
    assert response.status_code == 400
    assert "credit_code" in response.data
    assert not Organization.objects.exists()


def test_duplicate_credit_code_is_refused(api, city, make_user):
    assert api.as_user(make_user()).post("/api/v1/organizations/", _payload(city), format="json").status_code == 201
    again = api.as_user(make_user()).post("/api/v1/organizations/", _payload(city, name="另一个"), format="json")
    assert again.status_code == 400
    assert "credit_code" in again.data
    assert Organization.objects.count() == 1


def test_lowercase_code_is_normalised_and_still_unique(api, city, make_user):
    api.as_user(make_user()).post("/api/v1/organizations/", _payload(city), format="json")
    again = api.as_user(make_user()).post(
        "/api/v1/organizations/", _payload(city, credit_code="91350100m000100y43"), format="json"
    )
    assert again.status_code == 400


def test_only_platform_staff_verify(api, city, make_user, organization):
    organization.status = "pending"
    organization.save()
    stranger = api.as_user(make_user("org_admin", organization=organization))
    assert stranger.post(f"/api/v1/organizations/{organization.id}/verify/").status_code == 403
    staff = api.as_user(make_user("platform_staff"))
    response = staff.post(f"/api/v1/organizations/{organization.id}/verify/")
    assert response.status_code == 200
    assert response.data["status"] == "verified"
    assert staff.post(f"/api/v1/organizations/{organization.id}/verify/").status_code == 409


def test_unverified_organization_is_marked_in_public_list(api, city):
    OrganizationFactory(region=city.district, status="pending", name="待审核机构")
    results = api.get("/api/v1/organizations/?status=pending").data["results"]
    assert [r["name"] for r in results] == ["待审核机构"]
    assert results[0]["status"] == "pending"


def test_org_member_of_x_cannot_add_members_to_y(api, city, make_user):
    x, y = OrganizationFactory(region=city.district), OrganizationFactory(region=city.district)
    admin_x = api.as_user(make_user("org_admin", organization=x))
    member_x = api.as_user(make_user("org_member", organization=x))
    newcomer = make_user()
    assert (
        admin_x.post(
            f"/api/v1/organizations/{y.id}/members/", {"username": newcomer.username, "role": "org_member"}
        ).status_code
        == 403
    )
    assert (
        member_x.post(
            f"/api/v1/organizations/{x.id}/members/", {"username": newcomer.username, "role": "org_member"}
        ).status_code
        == 403
    )
    ok = admin_x.post(
        f"/api/v1/organizations/{x.id}/members/", {"username": newcomer.username, "role": "social_worker"}
    )
    assert ok.status_code == 201
    assert ok.data["role"] == "social_worker"


def test_unknown_organization_is_404(api):
    assert api.get("/api/v1/organizations/999999/").status_code == 404
    assert api.get("/api/v1/organizations/not-a-number/").status_code == 404
