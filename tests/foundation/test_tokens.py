"""API tokens expire after the policy's ``api_token_days``; their owner lists and revokes them."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.core.services import policy_update

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def issue(api, username: str, **extra) -> str:
    response = api.post(TOKEN_URL, {"username": username, "password": "pw-Secret-123", **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_expires_after_the_policy_days(api, make_user):
    make_user(username="alice")
    before = timezone.now()
    token = issue(api, "alice")
    [listed] = bearer(token).get(TOKENS_URL).json()["results"]
    expires_at = dt.datetime.fromisoformat(listed["expires_at"])
    assert before + dt.timedelta(days=90) <= expires_at <= timezone.now() + dt.timedelta(days=90)


def test_the_expiry_is_a_policy_value(api, make_user):
    assert api.get("/api/v1/policy/").json()["api_token_days"] == 90
    staff = make_user("platform_staff")
    policy_update(actor=staff, changes={"api_token_days": 7})
    make_user(username="alice")
    token = issue(api, "alice")
    [listed] = bearer(token).get(TOKENS_URL).json()["results"]
    created = dt.datetime.fromisoformat(listed["created"])
    assert dt.datetime.fromisoformat(listed["expires_at"]) - created == dt.timedelta(days=7)


def test_an_expired_token_is_401(api, make_user):
    make_user(username="alice")
    token = issue(api, "alice")
    assert bearer(token).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(user__username="alice").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(token).get("/api/v1/me/")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_the_owner_lists_their_tokens_without_secrets(api, make_user):
    make_user(username="alice")
    make_user(username="bob")
    first = issue(api, "alice", label="nightly export")
    second = issue(api, "alice")
    issue(api, "bob")
    response = bearer(first).get(TOKENS_URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 2
    assert {r["label"] for r in results} == {"nightly export", ""}
    for row in results:
        assert set(row) == {"id", "created", "expires_at", "last_used", "label"}
    assert first not in response.content.decode() and second not in response.content.decode()
    used = next(r for r in results if r["label"] == "nightly export")
    unused = next(r for r in results if r["label"] == "")
    assert used["last_used"] is not None and unused["last_used"] is None


def test_listing_needs_a_signed_in_owner(api):
    assert api.get(TOKENS_URL).status_code == 401


def test_the_owner_revokes_a_token(api, make_user):
    make_user(username="alice")
    keep = issue(api, "alice", label="keep")
    drop = issue(api, "alice", label="drop")
    rows = bearer(keep).get(TOKENS_URL).json()["results"]
    drop_id = next(r["id"] for r in rows if r["label"] == "drop")
    assert bearer(keep).delete(f"{TOKENS_URL}{drop_id}/").status_code == 204
    assert bearer(drop).get("/api/v1/me/").status_code == 401
    assert [r["label"] for r in bearer(keep).get(TOKENS_URL).json()["results"]] == ["keep"]


def test_someone_elses_token_is_404(api, make_user):
    make_user(username="alice")
    make_user(username="bob")
    alice = issue(api, "alice")
    bob = issue(api, "bob")
    bob_id = bearer(bob).get(TOKENS_URL).json()["results"][0]["id"]
    assert bearer(alice).delete(f"{TOKENS_URL}{bob_id}/").status_code == 404
    assert bearer(bob).get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("token_id", ["999999", "99999999999999999999"])
def test_an_unknown_token_id_is_404(api, make_user, token_id):
    make_user(username="alice")
    assert bearer(issue(api, "alice")).delete(f"{TOKENS_URL}{token_id}/").status_code == 404


def test_tokens_issued_before_expiry_existed_keep_working_and_get_an_expiry(make_user):
    migration = importlib.import_module("apps.accounts.migrations.0003_api_tokens_with_expiry_and_per_account_lockout")
    user = make_user(username="integration")
    old = Token.objects.create(user=user)
    migration.tokens_from_drf_tokens(apps, None)
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - timezone.now() > dt.timedelta(days=89)
    assert not Token.objects.exists()
    assert bearer(old.key).get("/api/v1/me/").json()["username"] == "integration"
