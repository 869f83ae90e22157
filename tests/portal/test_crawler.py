"""The crawler: every role, in both languages, visits every page the URL resolver and the demo city
can reach, and each page is checked as a reader would notice it.

A page fails on a server error (5xx), an English word on a Chinese page, an enum code in its text
(``children_youth``, ``street``, ``stripe_fee``), a form field without a label, or, on an English
page, a category named in Chinese. Text inside an element marked ``lang="zh-Hans"`` or ``lang="en"``
is CMS content or a language switch in its own language, and is not read as the page's language.

The pages come from two places: every URL pattern of the site, filled with ids and codes from the
demo city (one object per status, so each state's page is seen), and every link on the pages
visited, followed until each pattern has been seen a few times. A pattern the table below cannot
fill fails the test, so a new page is crawled from the day it is added.

One demo city is seeded for the module, in a transaction rolled back at the end; each test's own
transaction is rolled back too, so what one role's GETs changed never reaches another role.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import translation
from playwright.sync_api import sync_playwright
from wagtail.models import Page as WagtailPage

from apps.accounts.models import User
from apps.bidding.models import Need, Objection, PanelReviewer, Proposal, Question
from apps.certification.models import Application, Certificate
from apps.cooperatives.models import Cooperative, Distribution, DistributionAllocation
from apps.core.models import Category
from apps.dispatch.models import ResidentReport, WorkOrder
from apps.expenses.models import BudgetLine, Expense
from apps.fundreports.models import FundReport
from apps.funds.models import Donation, Fund, GivingSchedule, RefundHold
from apps.funds.services import giving_token
from apps.ledger.labels import TRANSFER_KIND_LABELS
from apps.ledger.models import Account, Transfer
from apps.notifications.kinds import KINDS as NOTIFICATION_KINDS
from apps.notifications.models import Notification
from apps.organizations.models import Organization
from apps.participation.models import ResidentRating, Suggestion, SuggestionComment
from apps.projects.models import Milestone, Project, ServiceRecord
from apps.regions.models import Region
from apps.revenue.models import RevenueShareAgreement, RevenueShareReport
from apps.shifts.models import Attendance, Shift
from apps.workers.models import SocialWorker, Training
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, axe_audit
from tests.services import service_missing

pytestmark = pytest.mark.slow

ROLES = {
    "anonymous": None,
    "community_staff": "yulin_staff",
    "grid_worker": "yulin_grid",
    "org_admin": "org_admin",
    "org_member": "org_member",
    "enterprise_admin": "enterprise_admin",
    "social_worker": "worker",
    "reviewer": "reviewer1",
    "fund_manager": "fund_manager",
    "street_officer": "street_officer",
    "district_officer": "district_officer",
    "unit_staff": "unit_staff",
    "platform_staff": "staff",
    "resident": "yulin_resident",
    "editor": "editor",
}
LANGUAGES = {"zh": "", "en": "/en"}

# Pages per URL pattern that links lead to, for one role in one language (the filled patterns
# below add one page per status of the main objects). The CMS's pages all share one pattern.
VISITS_PER_PATTERN = 3
VISITS_PER_CMS_PATTERN = 40

# Outside the crawl: machine interfaces, the two admin sites, files, signing out and links that
# need a key from an e-mail (by route prefix, then by URL name). A pattern that answers a GET with
# 405 takes a POST only: the crawl asks it once per run (POST_ONLY).
SKIPPED_PREFIXES = ("api/", "cms-admin/", "ops/", "stripe/", "open311/", "documents/", "i18n/", "favicon.ico")
SKIPPED_NAMES = {
    # files
    "fund-transfers-csv",
    "receipt-pdf",
    "fundreport-pdf",
    "bidding:proposals-csv",
    "bidding:proposal-attachment",
    "projects:hours-record-pdf",
    "projects:milestone-attachment",
    "expenses:expense-receipt",
    "revenue-report-attachment",
    "certificate-pdf",
    "certification-object",
    "cooperative-certificate",
    "cooperative-profit-statement",
    "training-certificate",
    "dispatch:work-order-photo",
    "dispatch:report-photo",
    "mfa_download_recovery_codes",
    # signing out, and allauth's links that only work with a key from an email
    "account_logout",
    "account_confirm_email",
    "account_reset_password_from_key",
    "dispatch:report-unsubscribe",
    "fundreport-unsubscribe",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
}
# Patterns reached by links only (their path is a page tree, not an id).
LINKED_ONLY = {"wagtail_serve"}


def one_per(queryset, field_name: str = "status", **values) -> Callable[[], list[dict]]:
    """One object per value of ``field_name`` (each state's page), as URL kwargs."""

    def fill():
        seen: dict = {}
        for obj in queryset.order_by("pk"):
            seen.setdefault(getattr(obj, field_name), obj)
        return [{key: attr(obj) for key, attr in values.items()} for obj in seen.values()]

    return fill


def pk(obj):
    return obj.pk


def first(queryset, **values) -> Callable[[], list[dict]]:
    def fill():
        obj = queryset.order_by("pk").first()
        return [{key: attr(obj) for key, attr in values.items()}] if obj else []

    return fill


def region_codes() -> list[dict]:
    """One region of each level a report covers."""
    levels = ("city", "district", "street", "community")
    return [{"code": Region.objects.filter(level=level).order_by("code").first().code} for level in levels]


NEED = {"pk": pk}
FILLED: dict[str, Callable[[], list[dict]]] = {
    "organization-detail-page": one_per(Organization.objects, pk=pk),
    "organization-verify-page": first(Organization.objects.filter(status="pending"), pk=pk),
    "organization-reject-page": first(Organization.objects.filter(status="pending"), pk=pk),
    "worker-detail-page": one_per(SocialWorker.objects, "verified", pk=pk),
    "worker-verify-page": first(SocialWorker.objects.filter(verified=False), pk=pk),
    "worker-reject-page": first(SocialWorker.objects.filter(verified=False), pk=pk),
    "training-verify-page": first(Training.objects.filter(status="pending"), pk=pk),
    "training-reject-page": first(Training.objects.filter(status="pending"), pk=pk),
    "notification-read": first(Notification.objects, pk=pk),
    "fund-detail-page": first(Fund.objects, pk=pk),
    "fund-donate-page": first(Fund.objects, pk=pk),
    "fund-refund-holds": first(Fund.objects, pk=pk),
    "donation-thanks": one_per(Donation.objects, pk=pk),
    "receipt-page": one_per(Donation.objects.exclude(receipt_no=None), receipt_no=lambda d: d.receipt_no),
    "giving-page": one_per(GivingSchedule.objects, token=giving_token),
    "bidding:need-detail": one_per(Need.objects, **NEED),
    "bidding:need-panel": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:need-edit": first(Need.objects.filter(status="draft"), **NEED),
    "bidding:need-publish": first(Need.objects.filter(status="draft"), **NEED),
    "bidding:need-award": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:need-cancel": first(Need.objects.filter(status="draft"), **NEED),
    "bidding:bid": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:ranking": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:objection": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:objection-resolve": first(Objection.objects, pk=lambda o: o.need_id, oid=pk),
    "bidding:question-ask": first(Need.objects.filter(status="published"), **NEED),
    "bidding:question-answer": first(Question.objects, pk=pk),
    "bidding:need-follow": first(Need.objects.exclude(status="draft"), **NEED),
    "bidding:proposal-detail": one_per(Proposal.objects, pk=pk),
    "bidding:proposal-withdraw": first(Proposal.objects.filter(status="submitted"), pk=pk),
    "bidding:review-sheet": one_per(PanelReviewer.objects, "need_id", pk=lambda p: p.need_id),
    "projects:record-verify": first(ServiceRecord.objects, verification_no=lambda r: r.verification_no),
    "projects:project-detail": one_per(Project.objects, pk=pk),
    "projects:milestone-accept": first(Milestone.objects.filter(status="submitted"), pk=lambda m: m.project_id, mid=pk),
    "projects:milestone-action": first(Milestone.objects, pk=lambda m: m.project_id, mid=pk, action=lambda m: "submit"),
    "fund-refund-hold-confirm": one_per(RefundHold.objects, "resolved", pk=lambda h: h.fund_id, hold_id=pk),
    "fund-payouts": first(Fund.objects, pk=pk),
    "fundreport-list": first(Fund.objects, pk=pk),
    "fundreport-page": first(
        FundReport.objects, pk=lambda r: r.fund_id, year=lambda r: r.year, quarter=lambda r: r.quarter
    ),
    "revenue-report-approve-page": first(RevenueShareReport.objects.filter(status="submitted"), pk=pk),
    "revenue-report-settle-page": first(RevenueShareReport.objects, pk=pk),
    "revenue-share-page": first(RevenueShareAgreement.objects, pk=pk),
    "revenue-report-submit-page": first(RevenueShareAgreement.objects, pk=pk),
    "cooperative-page": first(Cooperative.objects, pk=pk),
    "cooperative-holder-add": first(Cooperative.objects, pk=pk),
    "cooperative-transfer-add": first(Cooperative.objects, pk=pk),
    "cooperative-profit-add": first(Cooperative.objects, pk=pk),
    "cooperative-distribution-preview-page": first(Cooperative.objects, pk=pk),
    "cooperative-distribution-approve": one_per(Distribution.objects, pk=lambda d: d.cooperative_id, did=pk),
    "cooperative-distribution-reject": one_per(Distribution.objects, pk=lambda d: d.cooperative_id, did=pk),
    "cooperative-dividend-pay": first(
        DistributionAllocation.objects,
        pk=lambda a: a.distribution.cooperative_id,
        did=lambda a: a.distribution_id,
        aid=pk,
    ),
    "certification-review": first(Application.objects, pk=pk),
    "certification-page": one_per(Application.objects, pk=pk),
    "certificate-page": one_per(Certificate.objects, certificate_no=lambda c: c.certificate_no),
    "dispatch:work-order-detail": one_per(WorkOrder.objects, pk=pk),
    "dispatch:work-order-action": first(WorkOrder.objects, pk=pk, action=lambda w: "accept"),
    "dispatch:report-track": one_per(ResidentReport.objects, tracking_no=lambda r: r.tracking_no),
    "dispatch:report-join": first(
        ResidentReport.objects.filter(status="submitted"), tracking_no=lambda r: r.tracking_no
    ),
    "dispatch:report-rate": first(ResidentReport.objects.filter(status="handled"), tracking_no=lambda r: r.tracking_no),
    "dispatch:report-triage-action": first(
        ResidentReport.objects.filter(status="submitted"),
        tracking_no=lambda r: r.tracking_no,
        action=lambda r: "accept",
    ),
    "shifts:signup": first(Shift.objects, pk=pk),
    "shifts:check": first(Attendance.objects, pk=lambda a: a.shift_id),
    "shifts:code": one_per(Shift.objects, "project_id", pk=pk),
    "shifts:code-live": first(Shift.objects, pk=pk),
    "shifts:attendance": one_per(Shift.objects, "project_id", pk=pk),
    "shifts:project-shifts": one_per(Shift.objects, "project_id", pk=lambda s: s.project_id),
    "oversight-monthly-region": region_codes,
    "oversight-scorecards-region": region_codes,
    "oversight-region": region_codes,
    "participation:suggestion-detail": one_per(Suggestion.objects, pk=pk),
    "participation:suggestion-support": first(Suggestion.objects.filter(status="open"), pk=pk),
    "participation:suggestion-withdraw": first(Suggestion.objects.filter(status="open"), pk=pk),
    "participation:suggestion-comment": first(Suggestion.objects, pk=pk),
    "participation:suggestion-adopt": first(Suggestion.objects.filter(status="open"), pk=pk),
    "participation:suggestion-decline": first(Suggestion.objects.filter(status="open"), pk=pk),
    "participation:comment-hide": first(SuggestionComment.objects, pk=lambda c: c.suggestion_id, cid=pk),
    "expenses:project-budget": first(Expense.objects, pk=lambda e: e.project_id),
    "expenses:project-expenses": first(Expense.objects, pk=lambda e: e.project_id),
    "expenses:expense-pay": one_per(Expense.objects, pk=lambda e: e.project_id, eid=pk),
    "expenses:expense-action": first(
        Expense.objects.filter(status="submitted"), pk=lambda e: e.project_id, eid=pk, action=lambda e: "approve"
    ),
    "expenses:budget-line-revise": first(BudgetLine.objects, pk=lambda line: line.project_id, lid=pk),
    "participation:resident-rating": first(
        ResidentRating.objects, pk=lambda r: r.milestone.project_id, mid=lambda r: r.milestone_id
    ),
}


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> Iterable[tuple[str, str, URLPattern]]:
    """(route, name with namespace, pattern) for every page of the site."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else "", p


def crawled_patterns() -> list[tuple[str, str, URLPattern]]:
    return [
        (route, name, p)
        for route, name, p in url_patterns()
        if not route.startswith(SKIPPED_PREFIXES) and name not in SKIPPED_NAMES
    ]


def seed_urls() -> list[str]:
    """Every crawled pattern filled from the demo city, as paths without a language prefix."""
    urls, unfilled = [], []
    with translation.override("zh-hans"):
        for _route, name, p in crawled_patterns():
            if name in LINKED_ONLY:
                continue
            if not p.pattern.converters and not p.pattern.regex.groupindex:
                kwarg_sets = [{}]
            elif name in FILLED:
                kwarg_sets = FILLED[name]()
            else:
                unfilled.append(name)
                continue
            for kwargs in kwarg_sets:
                try:
                    urls.append(reverse(name, kwargs=kwargs))
                except NoReverseMatch:
                    unfilled.append(f"{name} {kwargs}")
    assert not unfilled, f"URL patterns the crawler cannot fill from the demo city: {unfilled}"
    return urls


# ---------------------------------------------------------------------------------------------
# What a reader sees


@dataclass
class Page:
    text: list[str] = field(default_factory=list)  # visible text in the page's language
    links: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN_CONTAINERS = {"script", "style", "template", "noscript"}
FIELD_TAGS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageReader(HTMLParser):
    """Visible text outside CMS content and script, links, and form fields without a label."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.fields: list[tuple[str, dict]] = []
        self.label_for: set[str] = set()
        self.label_depth = 0

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        if tag == "label":
            if a.get("for"):
                self.label_for.add(a["for"])
            self.label_depth += 1
        if tag in FIELD_TAGS and (a.get("type") or "text").lower() not in UNLABELLED_TYPES:
            labelled = self.label_depth > 0 or a.get("aria-label") or a.get("aria-labelledby")
            self.fields.append((tag, a | {"_labelled": labelled}))
        if tag in VOID:
            return
        skipped = self._skipping() or tag in HIDDEN_CONTAINERS or (tag != "html" and "lang" in a) or "hidden" in a
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.page.text.append(data.strip())

    def close(self):
        super().close()
        for tag, a in self.fields:
            if not (a["_labelled"] or a.get("id") in self.label_for):
                self.page.unlabelled.append(f"<{tag} name={a.get('name')!r} id={a.get('id')!r}>")
        return self.page


def read_page(html: str) -> Page:
    reader = PageReader()
    reader.feed(html)
    return reader.close()


# Names that stay in Latin letters on a Chinese page: products, standards, file formats, and the
# command auditors run. Identifiers (receipt and certificate numbers, hashes, URLs, paths, e-mail
# addresses: any token with a digit, a slash or an @) are not words either.
PROPER_NOUNS = {
    "Sanshe",
    "Stripe",
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "API",
    "OpenAPI",
    "TOTP",
    "OCDS",
    "Open311",
    "SHA",
    "CC",
    "BY",
    "Office",
    "MB",
    "JPEG",
    "PNG",
    "WebP",
    "ledger_verify",
}
# An HTTP status as the open-data page's API notes name it; a file name's extension.
PHRASES = re.compile(r"\b204 No Content\b|(?<=\S)\.[A-Za-z0-9]{2,5}\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
IDENTIFIER = re.compile(
    r"[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*[0-9/@][^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
)
WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]|[A-Za-z]")
SEPARATORS = re.compile(r"\s*[·:：,，;；|/()（）]\s*")  # between the names and figures a line lists
CODE = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)*")


def readable(text: str) -> str:
    """The text without identifiers, which may hold Latin letters on any page."""
    return IDENTIFIER.sub(" ", PHRASES.sub(" ", text))


def english_words(text: str, codes: set[str]) -> list[str]:
    """Latin words (of two letters or more) a Chinese reader would see; codes are reported apart."""
    return [w for w in WORD.findall(text) if w not in PROPER_NOUNS and w not in codes and len(w) > 1]


def enum_codes() -> set[str]:
    """The codes behind every label: model choices, categories, ledger and notification kinds."""
    codes: set[str] = set()
    for model in django_apps.get_models():
        if not model.__module__.startswith(("apps.", "cms.")):
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.Field) and f.choices:
                codes.update(str(value) for value, _label in f.flatchoices if isinstance(value, str))
    codes.update(Category.objects.values_list("code", flat=True))
    codes.update(TRANSFER_KIND_LABELS, NOTIFICATION_KINDS)
    codes.update(Transfer.objects.values_list("kind", flat=True).distinct())
    codes.update(Account.objects.values_list("kind", flat=True).distinct())
    codes.update(Notification.objects.values_list("kind", flat=True).distinct())
    return {c for c in codes if re.fullmatch(r"[a-z][a-z0-9]*([._][a-z0-9]+)*", c)}


def codes_in(text: str, codes: set[str], *, snake_only: bool) -> list[str]:
    """Enum codes standing as words; on English pages only those no English word looks like."""
    return [t for t in CODE.findall(text) if t in codes and not (snake_only and re.fullmatch("[a-z]+", t))]


def cms_text() -> set[str]:
    """Titles, intros and summaries editors wrote (in Chinese): an English page marks them."""
    text = set()
    for page in WagtailPage.objects.filter(depth__gt=1).specific():
        text.update(getattr(page, attr, "") for attr in ("title", "intro", "summary"))
    return {t.strip() for t in text if CJK.search(t or "")}


# ---------------------------------------------------------------------------------------------
# The crawl


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city of ``make run`` (seed 2026), for this module only."""
    media = tmp_path_factory.mktemp("crawler_media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=str(media / "public"),
            PRIVATE_MEDIA_ROOT=str(media / "private"),
        ),
        transaction.atomic(),
    ):
        started = time.monotonic()
        call_command("seed_demo", "--i-know-this-is-public", stdout=io.StringIO())
        seeded = time.monotonic() - started
        yield {
            "urls": seed_urls(),
            "codes": enum_codes(),
            "category_names": set(Category.objects.exclude(name_en="").values_list("name", flat=True)),
            "cms_text": cms_text(),
            "media": media,
            "seeded_s": seeded,
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_storage(settings, demo_city):
    """Uploads stay where the demo city's seed put them (tests/conftest.py gives each test its own)."""
    settings.MEDIA_ROOT = str(demo_city["media"] / "public")
    settings.PRIVATE_MEDIA_ROOT = str(demo_city["media"] / "private")


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)  # path → status
    findings: list[str] = field(default_factory=list)
    sample: dict[str, str] = field(default_factory=dict)  # pattern → its first page shown (for axe)
    responses: dict[str, HttpResponse] = field(default_factory=dict)  # those pages, for the browser


def pattern_key(path: str) -> str | None:
    """The URL pattern a site path belongs to, or None when the crawler leaves it alone."""
    try:
        with translation.override("en" if path.startswith("/en/") else "zh-hans"):
            match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    route = match.route
    if route.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES:
        return None
    return name or route


def crawl(client: Client, lang: str, demo: dict, *, username: str = "") -> Crawl:
    """Visit the filled patterns, then follow links (each pattern a few times) in one language."""
    prefix = LANGUAGES[lang]
    result = Crawl()
    queue: list[tuple[str, str]] = []
    per_pattern: Counter = Counter()

    def enqueue(path: str, *, seeded: bool = False) -> None:
        key = pattern_key(urlsplit(path).path)
        if key is None or key in POST_ONLY or any(path == queued for queued, _key in queue) or path in result.visited:
            return
        limit = VISITS_PER_CMS_PATTERN if key == "wagtail_serve" else VISITS_PER_PATTERN
        if seeded or per_pattern[key] < limit:
            per_pattern[key] += 1
            queue.append((path, key))

    for path in [prefix + "/", prefix + "/workspace/", *(prefix + url for url in demo["urls"])]:
        enqueue(path, seeded=True)
    while queue:
        path, key = queue.pop(0)
        response = client.get(path)
        result.visited[path] = response.status_code
        if response.status_code == 405:
            POST_ONLY.add(key)
        if response.status_code >= 500:
            result.findings.append(f"{path}: HTTP {response.status_code}")
        elif response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(response["Location"])
            if not target.netloc and (lang == "en") == target.path.startswith("/en/"):
                enqueue(response["Location"])
        elif "text/html" in response.get("Content-Type", ""):
            page = read_page(response.content.decode())
            if response.status_code == 200 and key not in result.sample and b"<html" in response.content[:500]:
                result.sample[key] = path
                result.responses[path] = response
            result.findings.extend(check_page(path, lang, page, demo, username))
            for href in page.links:
                link = urlsplit(href)
                if link.netloc or link.scheme or not link.path.startswith("/"):
                    continue
                if (lang == "en") != link.path.startswith("/en/"):
                    continue  # the other language's pages are the other crawl's
                enqueue(link.path + (f"?{link.query}" if link.query else ""))
    return result


def check_page(path: str, lang: str, page: Page, demo: dict, username: str) -> list[str]:
    findings = []
    text = readable("\n".join(page.text))
    if username:
        text = text.replace(username, " ")  # "signed in as yulin_staff": the reader's own account name
    if lang == "zh":
        words = english_words(text, demo["codes"])
        if words:
            findings.append(f"{path}: English on a Chinese page: {sorted(set(words))[:15]}")
    codes = codes_in(text, demo["codes"], snake_only=lang == "en")
    if codes:
        findings.append(f"{path}: codes in the text: {sorted(set(codes))}")
    if lang == "en":
        shown = {part for t in page.text for part in SEPARATORS.split(t)}
        chinese = sorted(shown & demo["category_names"])
        if chinese:
            findings.append(f"{path}: category names in Chinese on an English page: {chinese}")
        unmarked = sorted({t for t in page.text if t in demo["cms_text"]})
        if unmarked:
            findings.append(f"{path}: CMS content not marked lang=zh-Hans on an English page: {unmarked[:5]}")
    if page.unlabelled:
        findings.append(f"{path}: form fields without a label: {page.unlabelled}")
    return findings


CRAWLS: dict[tuple[str, str], Crawl] = {}
# Patterns that answered a GET with 405 (their form is on another page): not asked again.
POST_ONLY: set[str] = set()  # what each role saw, for the axe audit of the same pages


def crawl_as(client: Client, role: str, lang: str, demo: dict) -> Crawl:
    """The role's crawl, once per module (the axe audit reads the pages it kept)."""
    if ROLES[role]:
        client.force_login(User.objects.get(username=ROLES[role]))
    if (role, lang) not in CRAWLS:
        CRAWLS[role, lang] = crawl(client, lang, demo, username=ROLES[role] or "")
    return CRAWLS[role, lang]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_in_its_language_without_codes_or_unlabelled_fields(demo_city, db, client, role, lang):
    started = time.monotonic()
    result = crawl_as(client, role, lang, demo_city)
    statuses = dict(sorted(Counter(result.visited.values()).items()))
    print(f"\n{role} {lang}: {len(result.visited)} pages in {time.monotonic() - started:.1f} s, HTTP {statuses}")
    assert len(result.visited) > 20  # the crawl did reach the site
    assert not result.findings, "\n".join(result.findings)


def serve(responses: dict):
    """Answer the browser with the pages the crawl kept and with static files from their finders:
    axe reads the crawl's own pages, with no server. Nothing here touches the database: once
    Playwright runs, the ORM would open another connection, which the seeded transaction locks out."""

    def handle(route):
        url = urlsplit(route.request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.netloc != "testserver" or route.request.method != "GET":
            route.abort()
        elif url.path.startswith(settings.STATIC_URL):
            found = finders.find(url.path.removeprefix(settings.STATIC_URL))
            route.fulfill(path=found) if found else route.fulfill(status=404)
        elif path in responses:
            response = responses[path]
            route.fulfill(status=response.status_code, headers=dict(response.items()), body=response.content)
        else:
            route.fulfill(status=404, body="")

    return handle


@pytest.mark.browser
def test_each_role_s_workspace_and_one_page_of_every_pattern_pass_axe(demo_city, db):
    """axe-core in Chromium on the Chinese pages the crawl showed: each role's workspace, and the
    first page of every URL pattern that no earlier role's audit read (axe takes about a second a
    page, and the whole crawl is some 2,000 pages)."""
    if not Path(CHROMIUM).exists():
        service_missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    audited: set[str] = set()
    samples = []
    for role in ROLES:
        result = crawl_as(Client(), role, "zh", demo_city)
        sample = [path for key, path in result.sample.items() if key == "workspace" or key not in audited]
        audited.update(result.sample)
        samples.append((role, sample, result.responses))
    failures: list[str] = []
    # Chromium runs in a thread of its own: Playwright's sync API in this thread would leave the
    # test's database connection behind (the ORM then opens another, locked out by the seed).
    worker = threading.Thread(target=audit_in_chromium, args=(samples, failures))
    started = time.monotonic()
    worker.start()
    worker.join()
    pages = sum(len(sample) for _role, sample, _responses in samples)
    print(f"\naxe: {pages} pages in {time.monotonic() - started:.1f} s")
    assert not failures, "\n".join(failures)


def audit_in_chromium(samples, failures: list[str]) -> None:
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role, sample, responses in samples:
                context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
                page = context.new_page()
                page.route("**/*", serve(responses))
                for path in sample:
                    page.goto(f"http://testserver{path}")
                    try:
                        axe_audit(page)
                    except pytest.fail.Exception as failure:
                        failures.append(f"{role}: {failure}")
                context.close()
            chromium.close()
    except Exception as error:  # noqa: BLE001 - reported by the test in the main thread
        failures.append(f"Chromium: {error!r}")
