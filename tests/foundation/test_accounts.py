import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Membership, User
from apps.dispatch.models import Unit

ROLES_WITH_SCOPE = {
    "platform_staff": [],
    "reviewer": [],
    "community_staff": ["--community", "510107006001"],
    "grid_worker": ["--community", "510107006001"],
    "org_admin": ["--organization", "{credit_code}"],
    "org_member": ["--organization", "{credit_code}"],
    "social_worker": ["--organization", "{credit_code}"],
    "fund_manager": ["--fund", "fund-510107006001"],
    "street_officer": ["--region", "510107006000"],
    "district_officer": ["--region", "510107000000"],
    "unit_staff": ["--unit", "unit-yulin"],
}


@pytest.fixture
def unit(city):
    return Unit.objects.create(code="unit-yulin", name="玉林街道城市管理科", kind="street_office", region=city.street)


@pytest.mark.parametrize("role", sorted(ROLES_WITH_SCOPE))
def test_create_account_for_every_role_shows_in_me(api, city, organization, unit, role):
    args = [a.format(credit_code=organization.credit_code) for a in ROLES_WITH_SCOPE[role]]
    out = io.StringIO()
    call_command(
        "create_account", f"u_{role}", "--password", "pw-Secret-123", "--role", role, *args, "--print-token", stdout=out
    )
    token = out.getvalue().strip().splitlines()[-1]
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.data["username"] == f"u_{role}"
    assert [r["role"] for r in response.data["roles"]] == [role]


def test_create_account_twice_adds_a_membership(city, organization):
    call_command("create_account", "multi", "--password", "x", "--role", "reviewer", stdout=io.StringIO())
    call_command(
        "create_account",
        "multi",
        "--password",
        "x",
        "--role",
        "community_staff",
        "--community",
        "510107006001",
        stdout=io.StringIO(),
    )
    assert sorted(Membership.objects.filter(user__username="multi").values_list("role", flat=True)) == [
        "community_staff",
        "reviewer",
    ]
    assert User.objects.filter(username="multi").count() == 1


def test_create_account_refuses_a_missing_scope(db):
    with pytest.raises(CommandError):
        call_command(
            "create_account", "nocommunity", "--password", "x", "--role", "community_staff", stdout=io.StringIO()
        )
    with pytest.raises(CommandError):
        call_command(
            "create_account",
            "badcode",
            "--password",
            "x",
            "--role",
            "community_staff",
            "--community",
            "999",
            stdout=io.StringIO(),
        )


def test_token_endpoint_and_bearer_auth(api, make_user):
    user = make_user(username="alice")
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-Secret-123"}, format="json")
    assert response.status_code == 200
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {response.data['token']}")
    assert me.data["id"] == user.id


def test_me_requires_authentication(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_token_lockout_after_repeated_failures(api, make_user, settings):
    make_user(username="bob")
    for _ in range(settings.LOGIN_LOCKOUT_ATTEMPTS):
        assert (
            api.post("/api/v1/auth/token/", {"username": "bob", "password": "wrong"}, format="json").status_code == 400
        )
    locked = api.post("/api/v1/auth/token/", {"username": "bob", "password": "pw-Secret-123"}, format="json")
    assert locked.status_code == 429


def test_mfa_roles_are_sent_to_enrol_totp_before_pages(client, make_user):
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


def test_roles_without_mfa_see_their_workspace(client, city, make_user):
    staff = make_user("community_staff", community=city.community)
    client.force_login(staff)
    response = client.get("/workspace/")
    assert response.status_code == 200
    assert "玉林东路社区" in response.content.decode()
