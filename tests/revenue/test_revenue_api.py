import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.funds.selectors import fund_account
from apps.funds.services import fund_bank_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from apps.revenue.booking import fund_receivable_account
from apps.revenue.models import RevenueShareReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _d(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _report(api, admin, agreement, start=-60, end=-31, revenue="10000.01"):
    return api.as_user(admin).post(
        f"/api/v1/revenue-shares/{agreement.id}/reports/",
        {"period_start": _d(start), "period_end": _d(end), "revenue": revenue},
        format="json",
    )


def test_fund_manager_creates_an_agreement_with_further_parties(api, city, enterprise, fund_manager):
    r = api.as_user(fund_manager).post(
        "/api/v1/revenue-shares/",
        {
            "organization": enterprise.id,
            "fund": city.fund.id,
            "fund_share_percent": "20.00",
            "start": _d(-100),
            "end": _d(200),
            "parties": [{"name": "玉林街道集体资产公司", "percent": "5.00"}],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["organization_share_percent"] == "75.00"


def test_only_the_funds_manager_may_create_an_agreement(api, city, enterprise, make_user, enterprise_admin):
    other_manager = make_user("fund_manager", fund=city.other_fund)
    body = {
        "organization": enterprise.id,
        "fund": city.fund.id,
        "fund_share_percent": "20",
        "start": _d(0),
        "end": _d(9),
    }
    assert api.as_user(other_manager).post("/api/v1/revenue-shares/", body, format="json").status_code == 403
    assert api.as_user(enterprise_admin).post("/api/v1/revenue-shares/", body, format="json").status_code == 403
    assert api.post("/api/v1/revenue-shares/", body, format="json").status_code == 401


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"fund_share_percent": "101"}, "fund_share_percent"),
        ({"fund_share_percent": "abc"}, "fund_share_percent"),
        ({"end": _d(-200)}, "end"),
        ({"organization": 999999}, "organization"),
        ({"parties": [{"name": "x", "percent": "90"}]}, "parties"),
        ({"start": "x" * 10000}, "start"),
    ],
)
def test_bad_agreements_are_400_on_the_field(api, city, enterprise, fund_manager, patch, field):
    body = {
        "organization": enterprise.id,
        "fund": city.fund.id,
        "fund_share_percent": "20",
        "start": _d(-10),
        "end": _d(9),
    }
    body.update(patch)
    r = api.as_user(fund_manager).post("/api/v1/revenue-shares/", body, format="json")
    assert r.status_code == 400
    assert field in r.json()


def test_approval_splits_the_revenue_exactly(api, agreement, enterprise_admin, fund_manager):
    r = _report(api, enterprise_admin, agreement, revenue="10000.01")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "submitted"
    a = api.as_user(fund_manager).post(f"/api/v1/revenue-share-reports/{r.json()['id']}/approve/")
    assert a.status_code == 200
    body = a.json()
    assert body["status"] == "approved"
    assert Decimal(body["fund_amount"]) + Decimal(body["organization_amount"]) == Decimal("10000.01")
    assert body["fund_amount"] in ("3000.00", "3000.01")


def test_second_approval_is_409(api, agreement, enterprise_admin, fund_manager):
    rid = _report(api, enterprise_admin, agreement).json()["id"]
    client = api.as_user(fund_manager)
    assert client.post(f"/api/v1/revenue-share-reports/{rid}/approve/").status_code == 200
    r = client.post(f"/api/v1/revenue-share-reports/{rid}/approve/")
    assert r.status_code == 409
    assert "detail" in r.json()


def test_overlapping_period_is_refused_but_a_returned_one_can_be_resubmitted(
    api, agreement, enterprise_admin, fund_manager
):
    rid = _report(api, enterprise_admin, agreement, -60, -31).json()["id"]
    r = _report(api, enterprise_admin, agreement, -40, -20)
    assert r.status_code == 400
    assert "period_start" in r.json()
    assert _report(api, enterprise_admin, agreement, -30, -20).status_code == 201
    ret = api.as_user(fund_manager).post(f"/api/v1/revenue-share-reports/{rid}/return/", {"reason": "缺少发票"})
    assert ret.json()["status"] == "returned"
    assert _report(api, enterprise_admin, agreement, -60, -31).status_code == 201


def test_report_outside_the_agreement_or_not_yet_ended_is_refused(api, agreement, enterprise_admin):
    assert _report(api, enterprise_admin, agreement, -400, -300).status_code == 400
    assert _report(api, enterprise_admin, agreement, -5, 5).status_code == 400


def test_only_the_organizations_admin_reports_and_outsiders_get_404(api, agreement, make_user, city, organization):
    outsider = make_user("org_admin", organization=organization)
    assert _report(api, outsider, agreement).status_code == 404
    manager = make_user("fund_manager", fund=city.fund)
    assert _report(api, manager, agreement).status_code == 403


def test_attachments_are_checked_by_content(api, agreement, enterprise_admin):
    client = api.as_user(enterprise_admin)
    url = f"/api/v1/revenue-shares/{agreement.id}/reports/"
    good = {
        "period_start": _d(-60),
        "period_end": _d(-31),
        "revenue": "100.00",
        "attachments": [SimpleUploadedFile("账单.pdf", PDF, content_type="application/pdf")],
    }
    r = client.post(url, good, format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["attachments"][0]["mime"] == "application/pdf"
    bad = dict(good, period_start=_d(-30), period_end=_d(-20))
    bad["attachments"] = [SimpleUploadedFile("x.pdf", b"MZ not a pdf at all", content_type="application/pdf")]
    r = client.post(url, bad, format="multipart")
    assert r.status_code == 400
    assert "attachments" in r.json()


def test_settlement_once_after_approval(api, agreement, enterprise_admin, fund_manager):
    rid = _report(api, enterprise_admin, agreement).json()["id"]
    client = api.as_user(fund_manager)
    assert client.post(f"/api/v1/revenue-share-reports/{rid}/settle/").status_code == 409
    client.post(f"/api/v1/revenue-share-reports/{rid}/approve/")
    assert client.post(f"/api/v1/revenue-share-reports/{rid}/settle/").json()["status"] == "settled"
    assert client.post(f"/api/v1/revenue-share-reports/{rid}/settle/").status_code == 409


def test_lists_show_each_party_its_own(api, agreement, enterprise_admin, fund_manager, make_user, organization):
    _report(api, enterprise_admin, agreement)
    _report(api, enterprise_admin, agreement, -30, -20)
    for user in (enterprise_admin, fund_manager):
        assert api.as_user(user).get("/api/v1/revenue-shares/").json()["count"] == 1
        assert api.as_user(user).get("/api/v1/revenue-share-reports/").json()["count"] == 2
    outsider = make_user("org_admin", organization=organization)
    assert api.as_user(outsider).get("/api/v1/revenue-share-reports/").json()["count"] == 0
    assert api.as_user(outsider).get(f"/api/v1/revenue-shares/{agreement.id}/").status_code == 404


def test_report_list_has_no_n_plus_one(api, agreement, enterprise_admin, fund_manager, django_assert_max_num_queries):
    for k in range(4):
        _report(api, enterprise_admin, agreement, -100 + 10 * k, -91 + 10 * k)
    client = api.as_user(fund_manager)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/revenue-share-reports/")
    assert r.json()["count"] == 4


def test_leftover_fen_rotates_across_approvals(api, agreement, enterprise_admin, fund_manager):
    """50/50 of 0.01 yuan: the odd fen goes to a different party on successive approvals."""
    agreement.fund_share_percent = 50
    agreement.save()
    client = api.as_user(fund_manager)
    fund_got = []
    for k in range(2):
        rid = _report(api, enterprise_admin, agreement, -100 + 10 * k, -91 + 10 * k, revenue="0.01").json()["id"]
        fund_got.append(client.post(f"/api/v1/revenue-share-reports/{rid}/approve/").json()["fund_amount"])
    assert sorted(fund_got) == ["0.00", "0.01"]
    assert RevenueShareReport.objects.filter(status="approved").count() == 2


def test_approval_books_a_receivable_and_settlement_the_cash(api, agreement, enterprise_admin, fund_manager):
    rid = _report(api, enterprise_admin, agreement, revenue="10000.00").json()["id"]
    client = api.as_user(fund_manager)
    client.post(f"/api/v1/revenue-share-reports/{rid}/approve/")
    client.post(f"/api/v1/revenue-share-reports/{rid}/approve/")
    fund = agreement.fund
    assert fund_receivable_account(fund).normal_balance == 300000
    assert fund_account(fund).normal_balance == 0
    assert Transfer.objects.filter(reference=f"revenue-report:{rid}").count() == 1
    client.post(f"/api/v1/revenue-share-reports/{rid}/settle/")
    assert fund_receivable_account(fund).normal_balance == 0
    assert fund_account(fund).normal_balance == 300000
    assert fund_bank_account(fund).normal_balance == 300000
    assert ledger_verify()["ok"]


def test_platform_staff_read_agreements_but_neither_create_nor_approve(
    api, city, agreement, enterprise_admin, make_user
):
    """The same rule as for a fund's money: only the fund's own managers act on it."""
    staff = api.as_user(make_user("platform_staff"))
    body = {"organization": agreement.organization_id, "fund": city.fund.id, "fund_share_percent": "20"}
    body |= {"start": _d(0), "end": _d(9)}
    assert staff.post("/api/v1/revenue-shares/", body, format="json").status_code == 403
    rid = _report(api, enterprise_admin, agreement).json()["id"]
    assert staff.post(f"/api/v1/revenue-share-reports/{rid}/approve/").status_code == 403
    assert RevenueShareReport.objects.get(pk=rid).status == RevenueShareReport.Status.SUBMITTED
    assert agreement.id in [row["id"] for row in staff.get("/api/v1/revenue-shares/").json()["results"]]
