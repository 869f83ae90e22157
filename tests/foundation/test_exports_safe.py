"""Every CSV and XLSX the platform writes is safe to open: text a user chose (a donor's name, a
proposal's title, an organization's or a worker's name, a service record's content) never
becomes a spreadsheet formula (issue 18). The export URLs come from the URL resolver, so a new
export without a case here fails ``test_every_export_has_a_case``."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.demo import DEMO_TOTP_SECRET
from apps.bidding.models import Proposal
from apps.core.exports import export_cell
from apps.core.renderers import CSVRenderer, XLSXRenderer
from apps.funds.models import Donation
from apps.funds.services import donation_book_payment, fund_income_record
from apps.organizations.models import Organization
from apps.projects.models import ServiceLog
from apps.regions.models import Region
from apps.stats.services import rollup_rebuild
from tests.factories.bidding import NeedFactory
from tests.factories.projects import make_project

HOSTILE = ['=HYPERLINK("http://evil.test","click")', "=1+2", "@SUM(1,1)", "+1+1", "-2+3", "\tTAB", "\rCR"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _view_class(callback):
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


FILE_ROUTES = sorted({route for route, _cb in _routes() if route.rstrip("$").endswith((".csv", ".xlsx"))})
FORMAT_VIEWS = sorted(
    {
        _view_class(cb).__name__
        for _route, cb in _routes()
        if _view_class(cb) is not None
        and {CSVRenderer, XLSXRenderer} & set(getattr(_view_class(cb), "renderer_classes", ()))
    }
)

# The ?format=csv|xlsx views, each with the query that downloads it (filled in by the test).
FORMAT_EXPORTS = {
    "RegionStatsView": "/api/v1/stats/?region={district}&from=2026-01-01&to=2026-12-31",
    "ScorecardView": "/api/v1/stats/scorecards/?region={street}&kind=organization&from=2026-01-01&to=2026-12-31",
    "MonthlyReportView": "/api/v1/stats/monthly/?region={district}&month=2026-03",
    "OrganizationStatsView": "/api/v1/stats/organizations/{organization}/?from=2026-01-01&to=2026-12-31",
    "WorkerStatsView": "/api/v1/stats/workers/{worker}/?from=2026-01-01&to=2026-12-31",
}
FILE_EXPORTS = {
    "funds/<int:pk>/transfers.csv": "/funds/{fund}/transfers.csv",
    "needs/<int:pk>/proposals.csv": "/needs/{need}/proposals.csv",
    "api/v1/service-logs/export.csv": "/api/v1/service-logs/export.csv",
    "api/v1/service-logs/export.xlsx": "/api/v1/service-logs/export.xlsx",
    "api/v1/ledger/general-ledger.csv": "/api/v1/ledger/general-ledger.csv",
    "api/v1/funds/<str:pk>/statement.xlsx": "/api/v1/funds/{fund}/statement.xlsx",
}
STAFF_EXPORTS = {"api/v1/ledger/general-ledger.csv", "api/v1/funds/<str:pk>/statement.xlsx"}  # #23: the books


def test_every_export_has_a_case():
    assert sorted(FILE_EXPORTS) == FILE_ROUTES
    assert sorted(FORMAT_EXPORTS) == FORMAT_VIEWS


@pytest.fixture
def hostile(city, make_user, worker_factory):
    """Text chosen by users, starting with formula characters, in every exported place."""
    names = iter(HOSTILE * 3)
    Region.objects.filter(pk=city.other_street.pk).update(name=next(names))
    organization = Organization.objects.create(
        name=next(names),
        legal_form="social_service_org",
        credit_code="52510107MJ0000001X",
        registered_on=dt.date(2020, 1, 1),
        region=city.district,
        salaried_staff=5,
        status="verified",
    )
    worker = worker_factory(organization=organization, name=next(names))
    project = make_project(
        community=city.community,
        organization=organization,
        workers=[worker],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        title=next(names),
    )
    for i, text in enumerate(HOSTILE):
        ServiceLog.objects.create(
            worker=worker,
            project=project,
            date=dt.date(2026, 3, 2 + i),
            start_time=dt.time(8),
            end_time=dt.time(10),
            place=text,
            content=text,
            beneficiaries_served=1,
            hours=Decimal(2),
            status="confirmed",
        )
    for i, text in enumerate(HOSTILE):
        donation = Donation.objects.create(
            fund=city.fund, amount_fen=1000 + i, donor_name=text, anonymous=False, stripe_session_id=f"cs_{i}"
        )
        donation_book_payment(donation=donation, gross_fen=donation.amount_fen)
        fund_income_record(fund=city.fund, amount_fen=500, source="bank", memo=text, idempotency_key=f"k{i}")
    staff = make_user("community_staff", community=city.community)
    need = NeedFactory(
        community=city.community,
        created_by=staff,
        status="evaluating",
        published_at=None,
        bid_deadline=timezone.now() - dt.timedelta(days=1),
    )
    Proposal.objects.create(
        need=need,
        organization=organization,
        title=next(names),
        summary=next(names),
        approach="a",
        total_amount=Decimal("80000.00"),
        created_by=staff,
    )
    rollup_rebuild(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    return {
        "fund": city.fund.pk,
        "need": need.pk,
        "district": city.district.code,
        "street": city.street.code,
        "organization": organization.pk,
        "worker": worker.pk,
        "community_staff": staff,
        "platform_staff": make_user("platform_staff"),
    }


def _cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(body)).active
        return [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def _assert_inert(cells, url):
    text = [c for c in cells if isinstance(c, str)]
    assert any(c.lstrip("'").startswith(FORMULA_STARTS) for c in text), f"{url}: nothing hostile was exported"
    live = [c for c in text if c.startswith(FORMULA_STARTS)]
    assert not live, f"{url}: {live}"


@pytest.mark.parametrize("route", sorted(FILE_EXPORTS))
def test_file_exports_write_no_formula(client, hostile, route):
    url = FILE_EXPORTS[route].format(**hostile)
    user = hostile["platform_staff" if route in STAFF_EXPORTS else "community_staff"]
    if route in STAFF_EXPORTS:
        TOTP.activate(user, DEMO_TOTP_SECRET)  # platform staff's sessions need their second factor
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    _assert_inert(_cells(response), url)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("view", sorted(FORMAT_EXPORTS))
def test_format_exports_write_no_formula(api, hostile, view, fmt):
    url = FORMAT_EXPORTS[view].format(**hostile) + f"&format={fmt}"
    response = api.as_user(hostile["platform_staff"]).get(url)
    assert response.status_code == 200, response.content[:300]
    _assert_inert(_cells(response), url)


def test_negative_numbers_stay_numbers():
    """Only text is neutralised: a figure written as a number is still a number in the sheet."""
    assert export_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert export_cell(-3) == -3
    assert export_cell("-12.50") == Decimal("-12.50")
    assert export_cell("-1+2") == "'-1+2"
    assert export_cell("510107006001") == "510107006001"
