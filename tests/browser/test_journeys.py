"""The seven journeys of issue #9, walked in headless Chromium as a person would: sign-in through
the real form (TOTP for reviewers, platform staff and fund managers), forms filled and submitted,
confirmations answered. Every page reached is screenshotted (artifacts/screenshots/journey-*) and
audited with axe-core (serious/critical violations fail) and must not call a foreign host.

Steps a person does not do in a page are done as the system does them, and each says so:
``run_scheduled`` for timed steps (bidding closes, notice periods end), services for staff steps
that have no page yet (assigning a review panel).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from apps.accounts.demo import DEMO_TOTP_SECRET
from apps.bidding.models import Need, Proposal, ProposalScore
from apps.bidding.services import need_panel_set
from apps.certification.models import Application
from apps.core.models import Category
from apps.core.selectors import policy_current
from apps.funds.models import Donation
from apps.projects.models import ServiceLog
from tests.bidding.conftest import pass_deadline
from tests.browser.conftest import ARTIFACTS, may_sign_in, shot, sign_in, visit, wait_until
from tests.factories.core import OrganizationFactory
from tests.factories.projects import make_project
from tests.funds.conftest import WEBHOOK_SECRET as FUNDS_WEBHOOK_SECRET
from tests.funds.conftest import event as funds_event
from tests.funds.conftest import sign as funds_sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-Secret-123"


def zh(label) -> str:
    """A display value as the zh-CN browser sees it, whatever language this thread has active."""

    with translation.override("zh-hans"):
        return str(label())


def _new_session(page):
    """A fresh browser session (another person at another computer)."""
    page.context.clear_cookies()
    return page


# 1 ------------------------------------------------------------------------------------------


def test_journey_1_community_worker_publishes_a_need(world, live_server, page):

    staff = may_sign_in(world.staff)
    sign_in(page, live_server, staff.username, PW)
    visit(page, "journey-1-01-workspace")
    page.goto(f"{live_server.url}/needs/new/")
    visit(page, "journey-1-02-new-need-form")

    today = timezone.localdate()
    page.fill("input[name=title]", "玉林东路社区独居老人助餐服务")
    page.fill("textarea[name=description]", "为辖区80位独居老人提供每日午餐配送和每周一次的上门探访。")
    page.select_option("select[name=category]", str(Category.objects.get(code="elderly").pk))
    page.fill("input[name=beneficiaries]", "80")
    page.fill("input[name=beneficiary_group]", "独居老人")
    page.fill("input[name=budget_min]", "60000")
    # a mistake first: the maximum below the minimum is refused next to the field
    page.fill("input[name=budget_max]", "50000")
    page.fill("input[name=service_start]", str(today + dt.timedelta(days=30)))
    page.fill("input[name=service_end]", str(today + dt.timedelta(days=300)))
    page.select_option("select[name=min_worker_level]", "intermediate")
    page.fill("input[name=workers_needed]", "2")
    page.fill("input[name=bid_deadline]", (timezone.localtime() + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert not Need.objects.exists()
    error = page.locator("#id_budget_max_error, .errorlist").first
    assert error.is_visible()
    visit(page, "journey-1-03-form-error")

    page.fill("input[name=budget_max]", "90000")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    need = Need.objects.get()
    assert need.status == "draft" and page.url.endswith(f"/needs/{need.pk}/")
    visit(page, "journey-1-04-draft")
    # the workspace counts the draft as waiting for the staff member
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("[data-count=drafts] .count").inner_text() == "1"
    page.goto(f"{live_server.url}/needs/{need.pk}/")

    page.get_by_role("link", name="发布").click()
    page.wait_for_load_state("load")
    visit(page, "journey-1-05-confirm-publish")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    need.refresh_from_db()
    assert need.status == "published"
    assert page.locator(".status").first.inner_text() == zh(need.get_status_display)
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("[data-count=drafts] .count").inner_text() == "0"

    # anyone now finds it in the public list
    _new_session(page)
    page.goto(f"{live_server.url}/needs/")
    assert page.get_by_role("link", name="玉林东路社区独居老人助餐服务").is_visible()
    visit(page, "journey-1-06-public-list")


# 2 ------------------------------------------------------------------------------------------


def _bid_through_the_page(page, live_server, bidder, need, *, amount: int, title: str):
    may_sign_in(bidder.admin)
    sign_in(page, live_server, bidder.admin.username, PW)
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    visit(page, f"journey-2-need-{bidder.org.pk}")
    page.get_by_role("link", name="提交密封投标").click()
    page.wait_for_load_state("load")
    visit(page, f"journey-2-bid-form-{bidder.org.pk}")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=summary]", "入户探访与助餐相结合的三阶段服务")
    page.fill("textarea[name=approach]", "第一阶段需求评估；第二阶段助餐配送；第三阶段评估总结。")
    for i, (item, value) in enumerate([("人员费用", amount - 10000), ("活动物料", 10000)]):
        page.fill(f"#id_budget-{i}-item", item)
        page.fill(f"#id_budget-{i}-amount", str(value))
    for i, (title, due, share) in enumerate([("启动", need.service_start, 30), ("结项", need.service_end, 70)]):
        page.fill(f"#id_milestones-{i}-title", title)
        page.fill(f"#id_milestones-{i}-due_date", f"{due:%Y-%m-%d}")
        page.fill(f"#id_milestones-{i}-payment_percent", str(share))
    for w in bidder.workers[:2]:
        page.check(f"input[name=team][value='{w.pk}']")
    page.get_by_role("button", name="提交投标").click()
    page.locator("#confirm-dialog").get_by_role("button", name="确定，继续").click()
    page.wait_for_url("**/proposals/*/")
    assert "/proposals/" in page.url, page.locator(".errorlist, .messages").all_inner_texts()
    visit(page, f"journey-2-own-bid-{bidder.org.pk}")
    return int(page.url.rstrip("/").split("/")[-1])


def test_journey_2_two_organizations_bid_and_neither_sees_the_other(world, make_need, live_server, page):

    need = make_need()
    a_pk = _bid_through_the_page(page, live_server, world.a, need, amount=80000, title="甲机构助餐方案")
    _new_session(page)
    b_pk = _bid_through_the_page(page, live_server, world.b, need, amount=75000, title="乙机构助餐方案")
    assert set(Proposal.objects.values_list("status", flat=True)) == {"submitted"}
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("[data-count=bids] .count").inner_text() == "1"  # B's own bid only

    # B sees its own bid only: on the need, in "my bids", and A's proposal URL does not exist for B
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    body = page.locator("main").inner_text()
    assert "乙机构助餐方案" in body and "甲机构助餐方案" not in body
    page.goto(f"{live_server.url}/bids/")
    visit(page, "journey-2-b-my-bids")
    body = page.locator("main").inner_text()
    assert "乙机构助餐方案" in body and "甲机构助餐方案" not in body and world.a.org.name not in body
    response = page.goto(f"{live_server.url}/proposals/{a_pk}/")
    assert response.status == 404
    assert "甲机构助餐方案" not in page.content()
    csv = page.request.get(f"{live_server.url}/needs/{need.pk}/proposals.csv").text()
    assert "甲机构助餐方案" not in csv  # the export lists only what B may see

    # and A cannot see B's either
    _new_session(page)
    sign_in(page, live_server, world.a.admin.username, PW)
    assert page.goto(f"{live_server.url}/proposals/{b_pk}/").status == 404
    assert page.goto(f"{live_server.url}/proposals/{a_pk}/").status == 200
    # nor can the community's own staff before the deadline (sealed bids)
    _new_session(page)
    sign_in(page, live_server, may_sign_in(world.staff).username, PW)
    assert page.goto(f"{live_server.url}/proposals/{a_pk}/").status == 404


# 3 ------------------------------------------------------------------------------------------


def test_journey_3_reviewers_score_and_the_award_notice_appears(world, make_need, make_bid, live_server, page):

    need = make_need()
    good = make_bid(need, world.a, amount="80000.00")
    make_bid(need, world.b, amount="75000.00")
    panel = world.reviewers[:3]
    # No page for assigning a panel yet: platform staff do it through the service (as the API does).
    need_panel_set(actor=world.platform, need=need, reviewers=panel)
    # Timed step: the deadline passes and the scheduler closes bidding.
    pass_deadline(need)
    call_command("run_scheduled")
    need.refresh_from_db()
    assert need.status == "evaluating"

    for i, reviewer in enumerate(panel):
        _new_session(page)
        sign_in(
            page,
            live_server,
            may_sign_in(reviewer, totp_secret=DEMO_TOTP_SECRET).username,
            PW,
            totp_secret=DEMO_TOTP_SECRET,
        )
        assert "/2fa/" not in page.url and "/login/" not in page.url
        page.goto(f"{live_server.url}/workspace/")
        assert page.locator("[data-count=need_panels] .count").inner_text() == "1"
        page.goto(f"{live_server.url}/reviews/")
        visit(page, f"journey-3-{i}-reviews")
        page.locator(f"a[href$='/reviews/{need.pk}/']").first.click()
        page.wait_for_load_state("load")
        # the bids stay hidden until the reviewer declares
        assert "甲" not in page.locator("main").inner_text() or page.locator("input[name=proposal]").count() == 0
        visit(page, f"journey-3-{i}-declare")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        forms = page.locator("main form:has(input[name=proposal])")
        assert forms.count() == 2
        visit(page, f"journey-3-{i}-sheet")
        for pid in [int(v) for v in forms.locator("input[name=proposal]").evaluate_all("els => els.map(e => e.value)")]:
            form = page.locator(f"main form:has(input[name=proposal][value='{pid}'])")
            value = "90" if pid == good.pk else "70"
            for field in form.locator("input[type=number]").all():
                field.fill(value)
            form.locator("button[type=submit]").click()
            page.wait_for_load_state("load")
        # both bids now show the reviewer's own weighted total
        assert page.locator("main").inner_text().count("您的加权总分") == 2
        assert ProposalScore.objects.filter(reviewer=reviewer).count() == 2
        page.goto(f"{live_server.url}/workspace/")
        assert page.locator("[data-count=need_panels] .count").inner_text() == "0"

    # the community's staff award through the confirmation page
    _new_session(page)
    sign_in(page, live_server, may_sign_in(world.staff).username, PW)
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    page.get_by_role("link", name="授标").click()
    page.wait_for_load_state("load")
    visit(page, "journey-3-confirm-award")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    need.refresh_from_db()
    assert need.status == "notice" and need.awarded_proposal_id == good.pk

    # the public notice: anyone sees the award notice and the ranking with the winner first
    _new_session(page)
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    notice = page.locator("section.card", has=page.locator("h2")).filter(has_text="公示")
    assert notice.count() >= 1
    visit(page, "journey-3-public-notice")
    page.locator(f"a[href$='/needs/{need.pk}/ranking/']").click()
    page.wait_for_load_state("load")
    visit(page, "journey-3-ranking")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert world.a.org.name in rows.first.inner_text()


# 4 ------------------------------------------------------------------------------------------


def test_journey_4_worker_logs_hours_org_approves_community_confirms(
    city, organization, make_user, worker_factory, live_server, page
):

    worker = worker_factory(organization=organization, name="李社工")
    project = make_project(community=city.community, organization=organization, workers=[worker])
    org_admin = may_sign_in(make_user("org_admin", organization=organization))
    staff = may_sign_in(make_user("community_staff", community=city.community))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    sign_in(page, live_server, may_sign_in(worker.user).username, PW)
    page.goto(f"{live_server.url}/hours/")
    visit(page, "journey-4-01-worker-log-form")
    page.select_option("select[name=project]", str(project.pk))
    page.fill("input[name=date]", str(yesterday))
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "11:30")
    page.fill("input[name=place]", "玉林东路社区活动中心")
    page.fill("textarea[name=content]", "探访独居老人，协助助餐")
    page.fill("input[name=beneficiaries_served]", "6")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state("load")
    log = ServiceLog.objects.get()
    assert log.status == "submitted" and str(log.hours) == "2.50"
    row = page.locator("main table tbody tr").first
    assert "2.50" in row.inner_text() and zh(log.get_status_display) in row.inner_text()
    visit(page, "journey-4-02-worker-logged")

    _new_session(page)
    sign_in(page, live_server, org_admin.username, PW)
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("[data-count=records_to_approve] .count").inner_text() == "1"
    page.goto(f"{live_server.url}/hours/approve/")
    visit(page, "journey-4-03-org-approve-queue")
    page.check(f"input[name=ids][value='{log.pk}']")
    page.locator("button[name=action][value=approve]").click()
    page.wait_for_load_state("load")
    log.refresh_from_db()
    assert log.status == "approved"
    assert page.locator("main .empty").is_visible()
    visit(page, "journey-4-04-org-approved")

    _new_session(page)
    sign_in(page, live_server, staff.username, PW)
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("[data-count=records_to_confirm] .count").inner_text() == "1"
    page.goto(f"{live_server.url}/hours/confirm/")
    visit(page, "journey-4-05-community-confirm-queue")
    page.check(f"input[name=ids][value='{log.pk}']")
    page.locator("button[name=action][value=confirm]").click()
    page.wait_for_load_state("load")
    # a check page before the irreversible step: nothing is confirmed yet
    log.refresh_from_db()
    assert log.status == "approved"
    assert "2.50" in page.locator("main").inner_text()
    visit(page, "journey-4-06-confirm-check")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    log.refresh_from_db()
    assert log.status == "confirmed"

    # the worker sees the record confirmed
    _new_session(page)
    sign_in(page, live_server, worker.user.username, PW)
    page.goto(f"{live_server.url}/hours/")
    assert zh(log.get_status_display) in page.locator("main table tbody tr").first.inner_text()
    visit(page, "journey-4-07-worker-sees-confirmed")


# 5 ------------------------------------------------------------------------------------------


class _CheckoutHandler(BaseHTTPRequestHandler):
    """The test Stripe server: Checkout Sessions over the API (as tests/funds's stand-in), plus the
    hosted payment page a donor sees. Paying there delivers ``checkout.session.completed`` to our
    webhook, signed with Stripe's scheme, and sends the browser back to the session's success_url,
    which is the order Stripe itself follows."""

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        sid = self.path.rsplit("/", 1)[-1]
        session = self.server.sessions.get(sid)
        if not self.path.startswith("/pay/") or session is None:
            return self._send(404, b"not found", "text/plain")
        html = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test checkout</title></head>'
            f"<body><main><h1>Test checkout</h1><p>CNY {int(session['amount']) / 100:.2f}</p>"
            f'<form method="post" action="/pay/{sid}"><button type="submit">Pay</button></form></main></body></html>'
        )
        self._send(200, html.encode(), "text/html; charset=utf-8")

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.path == "/v1/checkout/sessions":
            params = {k: v[0] for k, v in parse_qs(raw).items()}
            sid = f"cs_test_{len(self.server.sessions) + 1}"
            self.server.sessions[sid] = {
                "success_url": params["success_url"],
                "donation_id": params["metadata[donation_id]"],
                "amount": params["line_items[0][price_data][unit_amount]"],
            }
            port = self.server.server_port
            data = {"id": sid, "object": "checkout.session", "url": f"http://127.0.0.1:{port}/pay/{sid}"}
            return self._send(200, json.dumps(data).encode(), "application/json")
        if self.path.startswith("/pay/"):
            sid = self.path.rsplit("/", 1)[-1]
            session = self.server.sessions[sid]
            evt = funds_event(
                "checkout.session.completed",
                {
                    "id": sid,
                    "object": "checkout.session",
                    "payment_status": "paid",
                    "amount_total": int(session["amount"]),
                    "payment_intent": f"pi_{sid}",
                    "metadata": {"donation_id": session["donation_id"]},
                },
            )
            payload = json.dumps(evt).encode()
            request = urllib.request.Request(
                self.server.webhook_url,
                data=payload,
                headers={"Content-Type": "application/json", "Stripe-Signature": funds_sign(payload)},
            )
            with urllib.request.urlopen(request) as response:
                self.server.deliveries.append(response.status)
            return self._send(303, b"", "text/plain", {"Location": session["success_url"]})
        return self._send(404, b"{}", "application/json")


@pytest.fixture
def stripe_test_server(settings, live_server):
    settings.STRIPE_SECRET_KEY = "sk_test_sanshe"
    settings.STRIPE_WEBHOOK_SECRET = FUNDS_WEBHOOK_SECRET
    settings.SITE_BASE_URL = live_server.url
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CheckoutHandler)
    server.sessions, server.deliveries = {}, []
    server.webhook_url = f"{live_server.url}/stripe/webhook/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.postgres  # the donation is booked in the append-only ledger (SQLite cannot flush it)
def test_journey_5_donor_donates_through_stripe_and_finds_the_receipt(city, stripe_test_server, live_server, page):

    page.goto(f"{live_server.url}/funds/{city.fund.pk}/")
    visit(page, "journey-5-01-fund")
    page.locator(f"a[href$='/funds/{city.fund.pk}/donate/']").click()
    page.wait_for_load_state("load")
    visit(page, "journey-5-02-donate-form")
    # a mistake first: the error is shown as words, not as JSON
    page.fill("input[name=amount]", "0")
    page.locator("form#donate button[type=submit]").click()
    error = page.locator("#donate-error")
    error.wait_for(state="visible")
    wait_until(page, "document.getElementById('donate-error').textContent.length > 0")
    assert "{" not in error.inner_text() and "[" not in error.inner_text()
    page.fill("input[name=amount]", "200.00")
    page.select_option("select[name=purpose]", "elderly")
    page.locator("form#donate button[type=submit]").click()
    wait_until(page, "location.pathname.startsWith('/pay/') || document.getElementById('donate-error')?.textContent")
    assert "/pay/" in page.url, page.locator("#donate-error").inner_text()
    shot(page, "journey-5-03-test-checkout")  # Stripe's page, not ours: no axe audit
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/funds/donations/*/thanks/")
    assert stripe_test_server.deliveries == [200]
    donation = Donation.objects.get()
    assert donation.amount_fen == 200_00 and donation.receipt_no
    visit(page, "journey-5-04-thanks")
    page.locator(f"a[href$='/receipts/{donation.receipt_no}/']").click()
    page.wait_for_load_state("load")
    body = page.locator("main").inner_text()
    assert donation.receipt_no in body and "¥200.00" in body and "为老服务" in body and "elderly" not in body
    visit(page, "journey-5-05-receipt")

    # the receipt prints cleanly: the print stylesheet hides the site chrome
    page.emulate_media(media="print")
    assert page.locator("header.site-header").first.is_hidden()
    assert page.locator("main").is_visible() and donation.receipt_no in page.locator("main").inner_text()
    page.pdf(path=str(ARTIFACTS / "journey-5-06-receipt-print.pdf"))
    page.emulate_media(media="screen")
    assert page.locator("header.site-header").first.is_visible()


# 6 ------------------------------------------------------------------------------------------


def test_journey_6_enterprise_is_certified_and_appears_in_the_registry(
    city, make_user, live_server, page, other_page, tmp_path
):
    """Every human step goes through the pages (applicant, platform staff, the three reviewers);
    the end of the public notice period is the scheduler's (``run_scheduled``)."""

    policy_current()
    enterprise = OrganizationFactory(
        name="成都玉林邻里社会企业有限公司",
        legal_form="company",
        region=city.street,
        registered_on=timezone.localdate() - dt.timedelta(days=900),
    )
    applicant = may_sign_in(make_user("org_admin", organization=enterprise))
    staff = may_sign_in(make_user("platform_staff"), totp_secret=DEMO_TOTP_SECRET)
    reviewers = [may_sign_in(make_user("reviewer"), totp_secret=DEMO_TOTP_SECRET) for _ in range(3)]

    # the enterprise applies
    sign_in(page, live_server, applicant.username, PW)
    page.goto(f"{live_server.url}/certifications/")
    visit(page, "journey-6-01-apply-form")
    page.select_option("select[name=organization]", str(enterprise.pk))
    for name, value in (
        ("salaried_staff", "6"),
        ("revenue_total", "1000000.00"),
        ("revenue_commercial", "700000.00"),
        ("profit_distributable", "200000.00"),
        ("profit_distributed", "50000.00"),
    ):
        page.fill(f"input[name={name}]", value)
    page.check("input[name=mission_in_articles]")
    page.check("input[name=asset_lock]")
    page.fill("textarea[name=mission_statement]", "为玉林社区老人提供助餐服务，盈利主要用于社区公益。")
    page.fill("textarea[name=beneficiaries]", "玉林街道独居老人")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state("load")
    application = Application.objects.get()
    assert page.url.endswith(f"/certifications/{application.pk}/")
    assert "✘" not in page.locator("main ul").first.inner_text()  # every eligibility check passes
    visit(page, "journey-6-02-draft")

    # a supporting document, uploaded with a progress bar (upload.js)
    page.locator("details:has(input[type=file]) summary").click()
    page.fill("form[data-upload-progress] input[name=title]", "公司章程")
    pdf = tmp_path / "articles.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"%" + b"0" * 2_000_000 + b"\n%%EOF\n")
    page.set_input_files("form[data-upload-progress] input[type=file]", str(pdf))
    seen: list[str] = []
    page.expose_function("reportUploadProgress", lambda value: seen.append(value))
    page.evaluate(
        """() => { const box = document.querySelector('form[data-upload-progress] .upload-progress');
        new MutationObserver(() => window.reportUploadProgress((box.hidden ? 'hidden:' : '') +
          box.querySelector('.upload-percent').textContent)).observe(box, {subtree: true, childList: true,
          characterData: true, attributes: true}); }"""
    )
    page.locator("form[data-upload-progress] button[type=submit]").click()
    # the page the server answers with (after its redirect) replaces this one
    wait_until(page, "document.querySelector('main') && document.querySelector('main').innerText.includes('公司章程')")
    assert application.documents.count() == 1
    assert seen and seen[-1] == "100%", seen  # the bar was shown and reached 100 %
    assert "公司章程" in page.locator("main").inner_text()

    page.locator("main form:has(input[name=action][value=submit]) button").click()
    page.wait_for_load_state("load")
    application.refresh_from_db()
    assert application.status == "submitted"
    visit(page, "journey-6-03-submitted")

    # platform staff (TOTP) record the preliminary review and set the panel, in their own browser
    sign_in(other_page, live_server, staff.username, PW, totp_secret=DEMO_TOTP_SECRET)
    other_page.goto(f"{live_server.url}/certifications/queue/")
    visit(other_page, "journey-6-04-staff-queue")
    other_page.locator(f"main a[href$='/certifications/{application.pk}/']").first.click()
    other_page.wait_for_load_state("load")
    visit(other_page, "journey-6-05-staff-application")
    other_page.select_option("select[name=decision]", "pass")
    other_page.fill("textarea[name=note]", "材料齐全")
    other_page.locator("main form:has(input[name=action][value=preliminary]) button[type=submit]").click()
    other_page.wait_for_load_state("load")
    application.refresh_from_db()
    assert application.status == "expert_review"
    other_page.locator("details:has(input[name=action][value=panel]) summary").click()
    for r in reviewers:
        other_page.check(f"input[name=reviewers][value='{r.pk}']")
    other_page.locator("main form:has(input[name=action][value=panel]) button[type=submit]").click()
    other_page.wait_for_load_state("load")
    assert application.panel.count() == 3

    # each reviewer (TOTP) declares and scores
    for i, (reviewer, score) in enumerate(zip(reviewers, ("80", "70", "90"), strict=True)):
        _new_session(page)
        sign_in(page, live_server, reviewer.username, PW, totp_secret=DEMO_TOTP_SECRET)
        page.goto(f"{live_server.url}/certifications/")
        page.locator(f"a[href$='/certifications/review/{application.pk}/']").click()
        page.wait_for_load_state("load")
        visit(page, f"journey-6-06-reviewer-{i}-declare")
        page.locator("main form:has(input[name=action][value=declare]) button[type=submit]").click()
        page.wait_for_load_state("load")
        page.fill("input[name=score]", score)
        page.fill("textarea[name=comment]", "使命清晰，资产锁定条款完备。")
        page.locator("main form:has(input[name=action][value=score]) button[type=submit]").click()
        page.wait_for_load_state("load")
        visit(page, f"journey-6-07-reviewer-{i}-scored")
    assert application.scores.count() == 3

    # staff decide from the scores: the public notice starts
    other_page.reload()
    other_page.locator("main form:has(input[name=action][value=decide]) button[type=submit]").click()
    other_page.wait_for_load_state("load")
    application.refresh_from_db()
    assert application.status == "notice"
    visit(other_page, "journey-6-08-decided")
    _new_session(page)
    page.goto(f"{live_server.url}/social-enterprises/")
    assert enterprise.name in page.locator("main").inner_text()  # listed among the notices
    visit(page, "journey-6-09-registry-notice")

    # Timed step: the notice period ends without objection; the scheduler certifies.
    Application.objects.filter(pk=application.pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("run_scheduled")
    application.refresh_from_db()
    assert application.status == "certified"
    certificate = application.certificate

    page.goto(f"{live_server.url}/social-enterprises/")
    link = page.locator(f"main a[href$='/certificates/{certificate.certificate_no}/']")
    assert link.count() >= 1
    visit(page, "journey-6-10-registry")
    link.first.click()
    page.wait_for_load_state("load")
    assert enterprise.name in page.locator("main").inner_text()
    visit(page, "journey-6-11-certificate")


# 7 ------------------------------------------------------------------------------------------


def test_journey_7_a_search_in_chinese_finds_the_need(world, make_need, live_server, page):
    need = make_need(title="玉林东路社区居家养老服务", description="为辖区独居老人提供探访、助餐和健康监测服务。")
    make_need(title="望江楼社区青少年课后托管", description="为双职工家庭的小学生提供课后看护与作业辅导。")
    make_need(status="draft", title="玉林东路社区养老驿站（草稿）")  # drafts are nobody's search result

    page.goto(f"{live_server.url}/needs/")
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially("养老", delay=50)
    # suggestions come as you type (htmx)
    wait_until(page, "document.getElementById('site-suggest')?.innerText.includes('居家养老')")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("ol.search-results li.search-result")
    text = page.locator("ol.search-results").inner_text()
    assert "玉林东路社区居家养老服务" in text
    assert "青少年课后托管" not in text and "草稿" not in text
    assert results.count() == 1
    visit(page, "journey-7-01-results")
    results.first.locator(f"a[href$='/needs/{need.pk}/']").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "玉林东路社区居家养老服务"
    visit(page, "journey-7-02-need")
