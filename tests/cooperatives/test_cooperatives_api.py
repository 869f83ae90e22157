import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.certification.models import Application, Certificate
from apps.cooperatives import services
from apps.cooperatives.models import Cooperative, Distribution, ShareEntry, ShareHolder
from apps.cooperatives.services import register_is_consistent
from apps.funds.selectors import fund_account
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from tests.cooperatives.conftest import profit
from tests.factories.core import OrganizationFactory, UserFactory


@pytest.fixture
def coop(coop_created):
    return coop_created


def with_profit(staff, coop, year, amount):
    profit(Cooperative.objects.get(pk=coop["id"]), staff, year, amount)


def approve(api, manager, coop, distribution):
    r = api.as_user(manager).post(f"/api/v1/cooperatives/{coop['id']}/distributions/{distribution['id']}/approve/")
    assert r.status_code == 200, r.json()
    return r.json()


def add_holder(api, staff, coop, name, shares, cert, holder_type="resident", **extra):
    r = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop['id']}/holders/",
        {"name": name, "holder_type": holder_type, "shares": shares, "certificate_no": cert, **extra},
        format="json",
    )
    assert r.status_code == 201, r.json()
    return r.json()


def test_cooperative_defaults_and_who_may_create(api, city, make_user, coop):
    assert coop["public_welfare_percent"] == "10.00"
    other_staff = make_user("community_staff", community=city.other_community)
    body = {"name": "x", "community": city.community.code, "registered_capital": "1.00"}
    assert api.as_user(other_staff).post("/api/v1/cooperatives/", body, format="json").status_code == 403
    manager = make_user("fund_manager", fund=city.fund)
    assert api.as_user(manager).post("/api/v1/cooperatives/", body, format="json").status_code == 403
    platform = make_user("platform_staff")
    assert api.as_user(platform).post("/api/v1/cooperatives/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"community": "000000000000"}, "community"),
        ({"registered_capital": "-1"}, "registered_capital"),
        ({"registered_capital": "1.001"}, "registered_capital"),
        ({"name": "名" * 5000}, "name"),
        ({"public_welfare_percent": "150"}, "public_welfare_percent"),
    ],
)
def test_bad_cooperative_input_is_400(api, staff, city, patch, field):
    body = {"name": "合作社", "community": city.community.code, "registered_capital": "1.00", **patch}
    r = api.as_user(staff).post("/api/v1/cooperatives/", body, format="json")
    assert r.status_code == 400
    assert field in r.json()


def test_transfers_move_shares_and_never_overdraw(api, staff, coop):
    a = add_holder(api, staff, coop, "社区集体", 600, "C-001", "community")
    b = add_holder(api, staff, coop, "张丽", 100, "C-002")
    url = f"/api/v1/cooperatives/{coop['id']}/share-transfers/"
    client = api.as_user(staff)
    r = client.post(url, {"from_holder": b["id"], "to_holder": a["id"], "shares": 101}, format="json")
    assert r.status_code == 400
    assert "shares" in r.json()
    assert (
        client.post(url, {"from_holder": b["id"], "to_holder": b["id"], "shares": 1}, format="json").status_code == 400
    )
    assert (
        client.post(url, {"from_holder": b["id"], "to_holder": a["id"], "shares": 0}, format="json").status_code == 400
    )
    assert (
        client.post(url, {"from_holder": b["id"], "to_holder": a["id"], "shares": 40}, format="json").status_code == 201
    )
    holders = {
        h["certificate_no"]: h["shares"]
        for h in client.get(f"/api/v1/cooperatives/{coop['id']}/holders/").json()["results"]
    }
    assert holders == {"C-001": 640, "C-002": 60}
    assert client.get(url).json()["count"] == 1
    assert register_is_consistent(ShareHolder.objects.get(pk=a["id"]).cooperative)


def test_duplicate_certificate_number_is_refused(api, staff, coop):
    add_holder(api, staff, coop, "社区集体", 1, "C-001", "community")
    r = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop['id']}/holders/",
        {"name": "王伟", "holder_type": "resident", "shares": 1, "certificate_no": "C-001"},
        format="json",
    )
    assert r.status_code == 400
    assert "certificate_no" in r.json()


def test_database_refuses_negative_holdings_and_empty_entries(api, staff, coop):
    h = add_holder(api, staff, coop, "社区集体", 1, "C-001", "community")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareHolder.objects.filter(pk=h["id"]).update(shares=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareEntry.objects.create(
            cooperative_id=coop["id"], holder_id=h["id"], kind="issue", delta=-5, effective_on=timezone.localdate()
        )


def test_distribution_follows_the_waterfall_and_is_booked_on_approval(api, staff, manager, coop, city):
    with_profit(staff, coop, timezone.localdate().year - 1, "120000.01")
    add_holder(api, staff, coop, "社区集体", 510, "C-001", "community")
    add_holder(api, staff, coop, "张丽", 245, "C-002")
    add_holder(api, staff, coop, "王伟", 245, "C-003")
    client = api.as_user(staff)
    url = f"/api/v1/cooperatives/{coop['id']}/distributions/"
    body = {
        "fiscal_year": timezone.localdate().year - 1,
        "distributable_profit": "120000.01",
        "prior_losses": "20000.00",
    }
    preview = client.post(url + "preview/", body, format="json")
    assert preview.status_code == 200
    assert [s["step"] for s in preview.json()["steps"]] == [
        "losses_covered",
        "reserve",
        "public_welfare",
        "retained",
        "dividend_pool",
    ]
    assert Transfer.objects.filter(kind="dividend").count() == 0
    r = client.post(url, body, format="json")
    assert r.status_code == 201, r.json()
    d = r.json()
    assert d["status"] == "declared"
    assert fund_account(city.fund).normal_balance == 0
    d = approve(api, manager, coop, d)
    # 120,000.01 − 20,000.00 = 100,000.01; reserve 10,000.00 (10 % of 10,000,001 fen, the
    # half fen rounded down by the largest remainder); welfare 9,000.00; pool 81,000.01.
    assert (d["reserve"], d["public_welfare"], d["dividend_pool"]) == ("10000.00", "9000.00", "81000.01")
    amounts = [Decimal(a["amount"]) for a in d["allocations"]]
    assert sum(amounts) == Decimal("81000.01")
    assert [a["shares"] for a in d["allocations"]] == [510, 245, 245]
    assert d["allocations"][0]["amount"] == "41310.01"
    assert preview.json()["allocations"] == [
        {"holder": a["holder"], "name": a["name"], "shares": a["shares"], "amount": a["amount"]}
        for a in d["allocations"]
    ]
    assert fund_account(city.fund).normal_balance == 900000
    assert ledger_verify()["ok"]
    again = client.post(url, body, format="json")
    assert again.status_code == 409
    assert Distribution.objects.count() == 1
    assert Transfer.objects.filter(kind="dividend").count() == 1


def test_the_fund_manager_approves_but_does_not_declare_and_other_communities_may_not_see(
    api, staff, manager, coop, city, make_user
):
    with_profit(staff, coop, 2025, "100.00")
    add_holder(api, staff, coop, "社区集体", 10, "C-001", "community")
    url = f"/api/v1/cooperatives/{coop['id']}/distributions/"
    body = {"fiscal_year": 2025, "distributable_profit": "100.00"}
    assert api.as_user(manager).post(url, body, format="json").status_code == 403
    assert api.as_user(manager).post(url + "preview/", body, format="json").status_code == 200
    assert api.as_user(staff).post(url, body, format="json").status_code == 201
    outsider = make_user("community_staff", community=city.other_community)
    assert api.as_user(outsider).post(url, body, format="json").status_code == 404
    assert api.as_user(outsider).get(f"/api/v1/cooperatives/{coop['id']}/").status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({"fiscal_year": 2025, "distributable_profit": "-1.00"}, "distributable_profit"),
        ({"fiscal_year": "abc", "distributable_profit": "1.00"}, "fiscal_year"),
        ({"fiscal_year": 2099, "distributable_profit": "1.00"}, "fiscal_year"),
        ({"fiscal_year": 2025, "distributable_profit": "1.00", "prior_losses": "x"}, "prior_losses"),
        ({"fiscal_year": 2025, "distributable_profit": "1.00", "record_date": "2999-01-01"}, "record_date"),
    ],
)
def test_bad_distribution_input_is_400(api, staff, coop, body, field):
    r = api.as_user(staff).post(f"/api/v1/cooperatives/{coop['id']}/distributions/", body, format="json")
    assert r.status_code == 400
    assert field in r.json()


def test_allocation_uses_shares_held_on_the_record_date(api, staff, coop):
    with_profit(staff, coop, 2025, "100.00")
    a = add_holder(api, staff, coop, "社区集体", 100, "C-001", "community")
    b = add_holder(api, staff, coop, "张丽", 0, "C-002")
    last_week = timezone.localdate() - dt.timedelta(days=7)
    ShareEntry.objects.filter(holder_id=a["id"]).update(effective_on=last_week)
    client = api.as_user(staff)
    client.post(
        f"/api/v1/cooperatives/{coop['id']}/share-transfers/",
        {"from_holder": a["id"], "to_holder": b["id"], "shares": 49},
        format="json",
    )
    url = f"/api/v1/cooperatives/{coop['id']}/distributions/"
    before = client.post(
        url + "preview/",
        {
            "fiscal_year": 2025,
            "distributable_profit": "100.00",
            "record_date": (last_week + dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    ).json()
    assert [x["holder"] for x in before["allocations"]] == [a["id"]]
    now = client.post(url + "preview/", {"fiscal_year": 2025, "distributable_profit": "100.00"}, format="json").json()
    assert sorted(x["shares"] for x in now["allocations"]) == [49, 51]


def test_resident_sees_their_own_holding_and_dividend_only(api, staff, manager, coop, make_user):
    with_profit(staff, coop, 2025, "1000.00")
    resident = make_user()
    add_holder(api, staff, coop, "社区集体", 300, "C-001", "community")
    mine = add_holder(api, staff, coop, "李娜", 100, "C-002", user=resident.username)
    declared = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop['id']}/distributions/",
        {"fiscal_year": 2025, "distributable_profit": "1000.00"},
        format="json",
    )
    approve(api, manager, coop, declared.json())
    client = api.as_user(resident)
    holders = client.get(f"/api/v1/cooperatives/{coop['id']}/holders/").json()["results"]
    assert [h["id"] for h in holders] == [mine["id"]]
    dist = client.get(f"/api/v1/cooperatives/{coop['id']}/distributions/").json()["results"][0]
    assert [(a["holder"], a["amount"]) for a in dist["allocations"]] == [(mine["id"], "202.50")]
    assert (
        client.post(
            f"/api/v1/cooperatives/{coop['id']}/distributions/",
            {"fiscal_year": 2024, "distributable_profit": "1.00"},
            format="json",
        ).status_code
        == 403
    )


def _certify(organization, *, valid_until):
    application = Application.objects.create(
        organization=organization,
        salaried_staff=5,
        revenue_total=Decimal("100"),
        revenue_commercial=Decimal("80"),
        profit_distributable=Decimal("10"),
        profit_distributed=Decimal("1"),
        mission_statement="使命",
        created_by=UserFactory(),
        status="certified",
    )
    return Certificate.objects.create(
        organization=organization,
        application=application,
        certificate_no=f"SE-T-{organization.pk}",
        valid_from=valid_until.replace(year=valid_until.year - 3),
        valid_until=valid_until,
        status="certified",
    )


def test_cap_applies_when_the_cooperative_is_a_certified_social_enterprise(api, staff, manager, coop, city):
    with_profit(staff, coop, 2025, "10000.00")
    org = OrganizationFactory(region=city.district, legal_form="cooperative")
    Cooperative.objects.filter(pk=coop["id"]).update(organization=org)
    _certify(org, valid_until=timezone.localdate() + dt.timedelta(days=300))
    add_holder(api, staff, coop, "社区集体", 1, "C-001", "community")
    r = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop['id']}/distributions/",
        {"fiscal_year": 2025, "distributable_profit": "10000.00"},
        format="json",
    )
    d = approve(api, manager, coop, r.json())
    assert (d["dividend_pool"], d["retained"], d["dividend_cap_percent"]) == ("3500.00", "4600.00", "35.00")
    assert ledger_verify()["ok"]


def test_an_expired_certificate_lifts_no_cap(coop, city):
    org = OrganizationFactory(region=city.district, legal_form="cooperative")
    Cooperative.objects.filter(pk=coop["id"]).update(organization=org)
    cooperative = Cooperative.objects.get(pk=coop["id"])
    assert services.cooperative_is_certified_social_enterprise(cooperative) is False
    _certify(org, valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert services.cooperative_is_certified_social_enterprise(cooperative) is False


def test_prior_losses_larger_than_profit_books_only_the_loss_cover(api, staff, manager, coop, city):
    with_profit(staff, coop, 2025, "500.00")
    add_holder(api, staff, coop, "社区集体", 1, "C-001", "community")
    r = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop['id']}/distributions/",
        {"fiscal_year": 2025, "distributable_profit": "500.00", "prior_losses": "800.00"},
        format="json",
    )
    d = approve(api, manager, coop, r.json())
    assert (d["losses_covered"], d["dividend_pool"], d["allocations"]) == ("500.00", "0.00", [])
    assert fund_account(city.fund).normal_balance == 0
    assert ledger_verify()["ok"]
