"""Platform staff, reviewers and fund managers: the API asks for the same second factor as the pages.

A browser session of such a user without TOTP is refused by the API (as the pages refuse it), and
a token for such a user is issued only against a valid one-time code in ``otp``.
"""

import io
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.accounts.demo import DEMO_TOTP_SECRET

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Used one-time codes and rate limits live in the cache; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


def current_code(secret: str = DEMO_TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_user(make_user, city):
    def _make(role: str, *, totp: bool, username: str | None = None):
        scope = {"fund": city.fund} if role == "fund_manager" else {}
        user = make_user(role, username=username, **scope)
        if totp:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        return user

    return _make


@pytest.mark.parametrize("role", ["platform_staff", "reviewer", "fund_manager"])
def test_a_session_without_totp_is_refused_by_the_api_as_by_the_pages(mfa_user, role):
    client = APIClient()
    client.force_login(mfa_user(role, totp=False))
    assert client.get("/workspace/").status_code == 302  # the page rule: enrol TOTP first
    for url in ("/api/v1/me/", "/api/v1/needs/", "/api/v1/funds/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "一次性验证码" in response.json()["detail"]


def test_the_refusal_speaks_english_to_english_readers(mfa_user):
    client = APIClient()
    client.force_login(mfa_user("reviewer", totp=False))
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "one-time code" in response.json()["detail"]


def test_a_session_with_totp_uses_the_api(mfa_user):
    client = APIClient()
    user = mfa_user("reviewer", totp=True)
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["id"] == user.id


def test_roles_without_mfa_keep_their_session_api(make_user, city):
    client = APIClient()
    client.force_login(make_user("community_staff", community=city.community))
    assert client.get("/api/v1/me/").status_code == 200


def test_the_switch_off_lets_sessions_through(mfa_user, settings):
    settings.SANSHE_ENFORCE_MFA = False
    client = APIClient()
    client.force_login(mfa_user("reviewer", totp=False))
    assert client.get("/api/v1/me/").status_code == 200


def test_a_token_for_an_mfa_role_needs_the_one_time_code(api, mfa_user):
    user = mfa_user("reviewer", totp=True, username="rev")
    missing = api.post(TOKEN_URL, {"username": "rev", "password": "pw-Secret-123"}, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong_code = f"{(int(current_code()) + 500000) % 1000000:06d}"
    wrong = api.post(TOKEN_URL, {"username": "rev", "password": "pw-Secret-123", "otp": wrong_code}, format="json")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    right = api.post(TOKEN_URL, {"username": "rev", "password": "pw-Secret-123", "otp": current_code()}, format="json")
    assert right.status_code == 200
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {right.json()['token']}")
    assert me.status_code == 200 and me.json()["id"] == user.id


def test_a_one_time_code_works_once(api, mfa_user):
    mfa_user("platform_staff", totp=True, username="ops")
    body = {"username": "ops", "password": "pw-Secret-123", "otp": current_code()}
    assert api.post(TOKEN_URL, body, format="json").status_code == 200
    replay = api.post(TOKEN_URL, body, format="json")
    assert replay.status_code == 400 and "otp" in replay.json()


def test_an_mfa_role_without_totp_is_told_to_enrol_on_the_web(api, mfa_user):
    mfa_user("fund_manager", totp=False, username="fm")
    response = api.post(TOKEN_URL, {"username": "fm", "password": "pw-Secret-123", "otp": "123456"}, format="json")
    assert response.status_code == 400
    assert "一次性验证码" in response.json()["otp"][0]


def test_missing_codes_count_towards_the_lockout(api, mfa_user, settings):
    mfa_user("reviewer", totp=True, username="rev")
    for _ in range(settings.LOGIN_LOCKOUT_ATTEMPTS):
        response = api.post(TOKEN_URL, {"username": "rev", "password": "pw-Secret-123"}, format="json")
        assert response.status_code == 400
    locked = api.post(TOKEN_URL, {"username": "rev", "password": "pw-Secret-123", "otp": current_code()}, format="json")
    assert locked.status_code == 429


def test_roles_without_mfa_get_a_token_without_a_code(api, make_user, city):
    make_user("community_staff", username="cs", community=city.community)
    response = api.post(TOKEN_URL, {"username": "cs", "password": "pw-Secret-123"}, format="json")
    assert response.status_code == 200


def test_operators_still_provision_tokens_for_mfa_roles(db):
    out = io.StringIO()
    call_command(
        "create_account",
        "integration",
        "--password",
        "pw-Secret-123",
        "--role",
        "reviewer",
        "--print-token",
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["username"] == "integration"


@pytest.mark.parametrize("login_url", ["/cms-admin/login/", "/ops/django-admin/login/"])
def test_the_admin_sign_in_forms_do_not_skip_the_one_time_code(mfa_user, login_url):
    """The CMS and Django admin forms signed in with a password only; every sign-in goes through
    the site's own, which asks enrolled users for their code."""
    user = mfa_user("platform_staff", totp=True, username="ops")
    user.is_staff = user.is_superuser = True
    user.save()
    client = APIClient()
    response = client.post(login_url, {"username": "ops", "password": "pw-Secret-123"})
    assert response.status_code in (301, 302) and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/workspace/").status_code == 302
