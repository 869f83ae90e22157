"""Sign-in lockout: per account and per client address, the address taken from trusted proxies only.

The web sign-in (allauth) counts failures per account (username and e-mail are one account) and
per client address. Behind ``TRUSTED_PROXY_COUNT`` proxies the client address is the Nth entry
from the right of X-Forwarded-For; with 0 the header is ignored. The token endpoint counts per
account too.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from rest_framework.test import APIClient

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.1"
ATTEMPTS = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 15 minutes per address and per account


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate-limit counters in the cache; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def account(make_user):
    def _make(username: str):
        user = make_user(username=username)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user

    return _make


def web_sign_in(client, login: str, password: str, *, remote_addr: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN_URL, {"login": login, "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_one_client_behind_the_proxy_does_not_lock_out_the_others(client, account, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    account("alice")
    account("bob")
    for _ in range(ATTEMPTS + 1):
        failed = web_sign_in(client, "alice", "wrong", remote_addr=PROXY, forwarded_for="203.0.113.7")
        assert not signed_in(failed)
    other = web_sign_in(client, "bob", "pw-Secret-123", remote_addr=PROXY, forwarded_for="198.51.100.9")
    assert signed_in(other)


def test_one_client_behind_the_proxy_is_locked_out_itself(client, account, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        account(name)
    for name in ("a1", "a2", "a3", "a4", "a5"):
        web_sign_in(client, name, "wrong", remote_addr=PROXY, forwarded_for="192.0.2.1, 203.0.113.7")
    same_client = web_sign_in(client, "a6", "pw-Secret-123", remote_addr=PROXY, forwarded_for="192.0.2.99, 203.0.113.7")
    assert not signed_in(same_client)
    assert "次数过多" in same_client.content.decode()


def test_web_failures_by_username_and_email_count_for_one_account(client, account):
    alice = account("alice")
    logins = ["alice", "alice", "alice", alice.email, alice.email.upper()]
    for i, login in enumerate(logins):  # each from another address: only the account's counter adds up
        web_sign_in(client, login, "wrong", remote_addr=f"203.0.113.{i + 1}")
    locked = web_sign_in(client, "alice", "pw-Secret-123", remote_addr="198.51.100.9")
    assert not signed_in(locked)
    assert "次数过多" in locked.content.decode()


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(client, account, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for name in ("b1", "b2", "b3", "b4", "b5", "b6"):
        account(name)
    for i, name in enumerate(("b1", "b2", "b3", "b4", "b5")):
        web_sign_in(client, name, "wrong", remote_addr="203.0.113.7", forwarded_for=f"198.51.100.{i + 1}")
    spoofed = web_sign_in(client, "b6", "pw-Secret-123", remote_addr="203.0.113.7", forwarded_for="198.51.100.200")
    assert not signed_in(spoofed)
    elsewhere = web_sign_in(client, "b6", "pw-Secret-123", remote_addr="198.51.100.200")
    assert signed_in(elsewhere)


def test_a_short_forwarded_for_falls_back_to_the_peer_address(client, account, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    account("carol")
    response = web_sign_in(client, "carol", "pw-Secret-123", remote_addr=PROXY, forwarded_for="203.0.113.7")
    assert signed_in(response)


def token_attempt(login: str, password: str, **headers):
    return APIClient().post(TOKEN_URL, {"username": login, "password": password}, format="json", **headers)


def test_token_failures_by_username_and_email_count_for_one_account(account, settings):
    alice = account("alice")
    logins = ["alice", "alice", "alice", alice.email, alice.email.upper()]
    assert len(logins) == settings.LOGIN_LOCKOUT_ATTEMPTS
    for login in logins:
        assert token_attempt(login, "wrong").status_code == 400
    assert token_attempt("alice", "pw-Secret-123").status_code == 429
    assert token_attempt(alice.email, "pw-Secret-123").status_code == 429


def test_token_lockout_of_one_account_leaves_the_others(account, settings):
    account("alice")
    account("bob")
    for _ in range(settings.LOGIN_LOCKOUT_ATTEMPTS):
        token_attempt("alice", "wrong", REMOTE_ADDR=PROXY)
    assert token_attempt("alice", "pw-Secret-123", REMOTE_ADDR=PROXY).status_code == 429
    assert token_attempt("bob", "pw-Secret-123", REMOTE_ADDR=PROXY).status_code == 200


def test_token_sign_in_by_email_works(account):
    alice = account("alice")
    response = token_attempt(alice.email, "pw-Secret-123")
    assert response.status_code == 200
