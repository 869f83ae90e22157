"""Headers with debug off: a Content-Security-Policy without inline script, HSTS, Secure cookies;
and `check --deploy` clean in the production environment README documents."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from tests.fresh_process import run_fresh

MAIN_PAGES = ["/", "/needs/", "/funds/", "/search/?q=x", "/api/v1/docs/", "/accounts/login/"]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in filter(str.strip, policy.split(";")):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize("url", MAIN_PAGES)
def test_main_pages_forbid_inline_script_and_demand_https(client, url):
    response = client.get(url, secure=True, follow=True)
    assert response.status_code == 200
    policy = directives(response)
    script_src = policy.get("script-src") or policy.get("default-src")
    assert script_src == ["'self'"], policy
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000 and "includeSubDomains" in hsts


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_separate_url(client):
    """Swagger UI's set-up script is served as its own JavaScript file, so the page needs no inline
    script (drf-spectacular's split view)."""
    page = client.get("/api/v1/docs/", secure=True).content.decode()
    assert re.search(r"<script>\s*\S", page) is None
    script = client.get("/api/v1/docs/?script=", secure=True)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_templates_have_no_inline_script_or_event_handler_attributes():
    """What the policy forbids must not be in our templates either, or those pages would break:
    every script is a static file (JSON data blocks are not executed), no on…= attributes, no
    hx-on (htmx evaluates it as code)."""
    base = Path(settings.BASE_DIR)
    templates = [
        *base.glob("templates/**/*.html"),
        *base.glob("apps/*/templates/**/*.html"),
        *base.glob("cms/**/*.html"),
    ]
    assert len(templates) > 50
    found = []
    for template in templates:
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                found.append((template.name, tag))
        found += [(template.name, m) for m in re.findall(r"\s(on[a-z]+\s*=|hx-on)", text)]
    assert found == []


@pytest.mark.django_db
def test_wagtail_admin_is_the_only_place_allowed_inline_script(client, make_user):
    response = client.get(reverse("wagtailadmin_login"), secure=True)
    assert "'unsafe-inline'" in directives(response)["script-src"]
    assert "'unsafe-eval'" not in directives(response)["script-src"]


@pytest.mark.django_db
def test_cookies_are_secure_with_debug_off(client, make_user):
    sign_in = client.get("/accounts/login/", secure=True)
    assert sign_in.cookies["csrftoken"]["secure"] is True
    user = make_user(username="cookie_reader")
    user.set_password("pw-Secret-123")
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    signed_in = client.post("/accounts/login/", {"login": "cookie_reader", "password": "pw-Secret-123"}, secure=True)
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True
    assert signed_in.cookies["sessionid"]["httponly"] is True


# The production environment of README's Configuration section.
PRODUCTION_ENVIRONMENT = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-value-of-at-least-fifty-characters-7f3c9e1b5d",
    "DJANGO_ALLOWED_HOSTS": "sanshe.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://sanshe.example.org",
    "SITE_BASE_URL": "https://sanshe.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DATABASE_URL": "postgres://sanshe@127.0.0.1:5432/sanshe",
}


def test_check_deploy_is_clean_in_the_documented_production_environment():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for name in PRODUCTION_ENVIRONMENT:
        assert f"`{name}`" in readme, f"{name} is not documented in README"
    run = run_fresh(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENVIRONMENT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    assert "WARNING" not in run.stderr
