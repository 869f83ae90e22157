"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

- Skipped with a clear reason when /usr/bin/chromium (or Playwright) is missing.
- Screenshots go to artifacts/screenshots/ (gitignored): ``shot(page, "name")``.
- ``axe_audit(page)`` runs axe-core (bundled by axe-playwright-python, no network) and fails on
  serious or critical violations.
- ``sign_in(page, live_server, username, password, totp_secret=None)`` uses the real login form
  and answers the TOTP step for roles with MFA.
- ``page`` records every request; ``external_requests(page)`` lists those to non-loopback hosts.
- ``may_sign_in(user, totp_secret=…)`` gives a factory user a verified e-mail (and TOTP);
  ``visit(page, name)`` is what every journey does on each page: screenshot, axe, no foreign host,
  nothing blocked by the Content-Security-Policy (``page.csp_violations``).
- ``wait_until(page, "js expression")`` instead of ``page.wait_for_function`` (which the policy blocks).
- ``other_page`` is a second person's browser in the same test.
"""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.core.demo import DemoContext
from apps.regions.models import Region
from cms import demo
from tests.bidding.conftest import make_bid, make_need, world  # noqa: F401 (fixtures the journeys share)
from tests.factories.core import UserFactory
from tests.services import service_missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
# are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_runtest_setup(item):
    """Before any fixture of a browser test starts Chromium: skip without it, fail under CI."""
    if "browser" in item.keywords and not Path(CHROMIUM).exists():
        service_missing(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser():
    # Between its calls, Playwright's sync API leaves its event loop marked as running in this
    # thread. Django then takes the thread for an async one and keeps its database connections in
    # a context variable instead of the thread (ConnectionHandler is thread-critical): every later
    # test would get a second connection, without what the test database's set-up serialized. A
    # test marked ``serialized_rollback`` then started from a flushed database (no Wagtail root,
    # Editors without permissions: the CMS admin sent its editor round in a redirect loop), and on
    # SQLite the second connection to the in-memory database met "table is locked". So the
    # connections of the set-up are handed to the context the tests now run in.
    opened = {alias: connections[alias] for alias in connections}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for alias, connection in opened.items():
            connections[alias] = connection
        yield b
        b.close()


def _new_page(browser, viewport, locale):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda req: page.requests_seen.append(req.url))
    # What the Content-Security-Policy blocked (Chromium reports it on the console): an inline
    # script or handler our pages still had would stop working in every reader's browser.
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, pg = _new_page(browser, DESKTOP, "zh-CN")
    yield pg
    context.close()


@pytest.fixture
def mobile_page(browser):
    context, pg = _new_page(browser, MOBILE, "zh-CN")
    yield pg
    context.close()


def external_requests(page) -> list[str]:
    out = []
    for url in page.requests_seen:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in LOOPBACK:
            out.append(url)
    return out


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_audit(page, *, fail_on=("serious", "critical")):
    """Run axe-core on the current page; fail listing every serious/critical violation."""
    results = Axe().run(
        page,
        options={
            "resultTypes": ["violations"],
            "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
    )
    bad = [v for v in results.response["violations"] if v.get("impact") in fail_on]
    if bad:
        lines = []
        for v in bad:
            targets = ", ".join(str(n.get("target")) for n in v["nodes"][:5])
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
        pytest.fail(f"axe: {len(bad)} serious/critical violation(s) on {page.url}:\n" + "\n".join(lines))
    return results


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, live_server, username: str, password: str, *, totp_secret: str | None = None):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.locator("form[action*='login'] button[type=submit], form[action*='login'] [type=submit]").first.click()
    page.wait_for_load_state("load")
    if "/2fa/" in page.url or page.locator("input[name=code]").count():
        if not totp_secret:
            pytest.fail(f"{username} needs a TOTP code but no secret was given")

        for attempt in range(2):
            # A code typed in the last seconds of its 30 s period may reach the server in the next
            # one (refused under load: seen once in CI); a retry waits for a fresh period, which
            # also avoids a code the server has already seen.
            left = 30 - time.time() % 30
            if left < 5 or attempt:
                time.sleep(left + 0.5)
            page.fill("input[name=code]", totp_code(totp_secret))
            page.locator("form:has(input[name=code]) button[type=submit]").first.click()
            page.wait_for_load_state("load")
            if not page.locator("input[name=code]").count():
                break
    return page


@pytest.fixture
def site_content(transactional_db):
    ctx = DemoContext(seed=1, size="small", rng=random.Random(1))
    demo.seed(ctx)
    return ctx.data["cms"]


@pytest.fixture
def community_staff(transactional_db):
    """A community staff member (no MFA needed) with a verified e-mail, password 'pw-Secret-123'."""

    c = Region.objects.create(code="510100000000", name="成都市", level="city")
    d = Region.objects.create(code="510107000000", name="武侯区", level="district", parent=c)
    s = Region.objects.create(code="510107006000", name="玉林街道", level="street", parent=d)
    cm = Region.objects.create(code="510107006001", name="玉林东路社区", level="community", parent=s)
    user = UserFactory(username="yulin_staff_b")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    membership_add(user=user, role=Role.COMMUNITY_STAFF, community=cm)
    return user


def may_sign_in(user, *, totp_secret: str | None = None):
    """Give a factory user what a real account has: a verified e-mail and, for the roles that need
    it, TOTP enrolled with ``totp_secret`` (the demo secret in these tests)."""

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})
    if totp_secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret)
    return user


def visit(page, name: str, *, url: str | None = None):
    """The checks every journey runs on each page it reaches: a screenshot artefact, an axe-core
    audit (serious/critical fails), no request to a host other than the test server, and nothing
    blocked by the Content-Security-Policy."""
    if url is not None:
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{url} → {response and response.status}"
    page.wait_for_load_state("load")
    shot(page, name)
    axe_audit(page)
    assert external_requests(page) == [], external_requests(page)
    assert page.csp_violations == [], page.csp_violations
    return page


def wait_until(page, expression: str, *, timeout_ms: int = 15_000):
    """Wait until a JavaScript expression is truthy in the page. Playwright's wait_for_function
    polls with eval inside the page, which our Content-Security-Policy forbids (no 'unsafe-eval');
    page.evaluate goes through the DevTools protocol instead, outside the page's policy."""
    waited = 0
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:
            pass  # a navigation replaced the page under the evaluation: look again in the new one
        if waited >= timeout_ms:
            pytest.fail(f"timed out after {timeout_ms} ms waiting for {expression} on {page.url}")
        page.wait_for_timeout(100)
        waited += 100


@pytest.fixture
def other_page(browser):
    """A second person's browser (own cookies), for journeys where two people act in turn."""
    context, pg = _new_page(browser, DESKTOP, "zh-CN")
    yield pg
    context.close()
