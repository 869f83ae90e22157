"""Issue 18: a cooperative's distribution shares out only profit recorded first, with its
financial statement, by the cooperative's managers; the community fund's manager approves it (a
different person); only approval books it, out of the cooperative's own account."""

import pytest
from django.utils import timezone

from apps.accounts.services import membership_add
from apps.cooperatives.booking import cooperative_account, holder_dividend_account
from apps.cooperatives.models import Cooperative, Distribution
from apps.funds.selectors import fund_account
from apps.ledger.models import Account, Transfer
from apps.ledger.selectors import ledger_verify
from tests.factories.cooperatives import PDF, statement

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def coop(api, staff, coop_created):
    coop_id = coop_created["id"]
    for name, holder_type, shares, cert in (("社区集体", "community", 600, "C-1"), ("张丽", "resident", 400, "C-2")):
        r = api.as_user(staff).post(
            f"/api/v1/cooperatives/{coop_id}/holders/",
            {"name": name, "holder_type": holder_type, "shares": shares, "certificate_no": cert},
            format="json",
        )
        assert r.status_code == 201, r.json()
    return Cooperative.objects.get(pk=coop_id)


def record_profit(api, user, coop, amount="10000.00", year=LAST_YEAR, file=None):
    return api.as_user(user).post(
        f"/api/v1/cooperatives/{coop.pk}/profits/",
        {"fiscal_year": year, "amount": amount, "statement": file or statement()},
        format="multipart",
    )


def declare(api, user, coop, profit="10000.00", year=LAST_YEAR, losses="0.00"):
    return api.as_user(user).post(
        f"/api/v1/cooperatives/{coop.pk}/distributions/",
        {"fiscal_year": year, "distributable_profit": profit, "prior_losses": losses},
        format="json",
    )


def test_a_distribution_without_recorded_profit_mints_nothing(api, staff, coop, city):
    r = declare(api, staff, coop, profit="9000000.00", year=2019)
    assert r.status_code == 400
    assert "distributable_profit" in r.json()
    assert "0.00" in r.json()["distributable_profit"][0]
    assert Transfer.objects.count() == 0
    assert fund_account(city.fund).normal_balance == 0


@pytest.mark.parametrize("year", [1990, 2014, timezone.localdate().year, 2099])
def test_fiscal_years_run_from_the_founding_year_to_last_year(api, staff, coop, year):
    assert record_profit(api, staff, coop, year=year).status_code == 400
    r = declare(api, staff, coop, year=year)
    assert r.status_code == 400
    assert "fiscal_year" in r.json()


def test_profit_needs_a_real_statement_and_the_cooperatives_managers(api, staff, manager, coop, make_user):
    fake = record_profit(api, staff, coop, file=statement(b"MZ\x90\x00 not a pdf", "statement.pdf"))
    assert fake.status_code == 400 and "statement" in fake.json()
    missing = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop.pk}/profits/", {"fiscal_year": LAST_YEAR, "amount": "1.00"}, format="multipart"
    )
    assert missing.status_code == 400 and "statement" in missing.json()
    assert record_profit(api, manager, coop).status_code == 403
    assert record_profit(api, make_user("platform_staff"), coop).status_code == 403
    assert record_profit(api, staff, coop, amount="0.00").status_code == 400
    r = record_profit(api, staff, coop)
    assert r.status_code == 201, r.json()
    assert r.json()["amount"] == "10000.00"
    assert record_profit(api, staff, coop).status_code == 409
    assert cooperative_account(coop, "undistributed_profit").normal_balance == 1_000_000
    assert ledger_verify()["ok"]


def test_the_statement_is_served_only_to_the_cooperatives_parties(api, client, staff, manager, coop, make_user, city):
    profit = record_profit(api, staff, coop).json()
    url = f"/api/v1/cooperatives/{coop.pk}/profits/{profit['id']}/statement/"
    got = api.as_user(manager).get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert api.as_user(make_user("community_staff", community=city.other_community)).get(url).status_code == 404
    assert api.get(url).status_code in (401, 403)
    client.force_login(staff)
    page = client.get(f"/cooperatives/{coop.pk}/profits/{profit['id']}/statement/")
    assert page.status_code == 200
    client.force_login(make_user())
    assert client.get(f"/cooperatives/{coop.pk}/profits/{profit['id']}/statement/").status_code == 404


def test_declared_by_the_managers_approved_by_another_person_only_approval_books(api, staff, manager, coop, city):
    assert record_profit(api, staff, coop).status_code == 201
    over = declare(api, staff, coop, profit="10000.01")
    assert over.status_code == 400
    assert "10000.00" in over.json()["distributable_profit"][0]
    assert declare(api, manager, coop).status_code == 403
    r = declare(api, staff, coop)
    assert r.status_code == 201, r.json()
    d = r.json()
    assert d["status"] == "declared"
    assert (d["reserve"], d["public_welfare"], d["dividend_pool"]) == ("1000.00", "900.00", "8100.00")
    assert Transfer.objects.filter(kind="dividend").count() == 0
    assert fund_account(city.fund).normal_balance == 0
    allocation = d["allocations"][0]
    pay = api.as_user(staff).post(
        f"/api/v1/cooperatives/{coop.pk}/distributions/{d['id']}/allocations/{allocation['id']}/pay/"
    )
    assert pay.status_code == 409  # nothing is owed before approval
    approve_url = f"/api/v1/cooperatives/{coop.pk}/distributions/{d['id']}/approve/"
    assert api.as_user(staff).post(approve_url).status_code == 403
    ok = api.as_user(manager).post(approve_url)
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "approved"
    assert api.as_user(manager).post(approve_url).status_code == 409
    assert fund_account(city.fund).normal_balance == 90000
    assert cooperative_account(coop, "undistributed_profit").normal_balance == 0
    assert cooperative_account(coop, "statutory_reserve").normal_balance == 100000
    holders = {h.name: holder_dividend_account(h).normal_balance for h in coop.holders.all()}
    assert holders == {"社区集体": 486000, "张丽": 324000}
    assert declare(api, staff, coop).status_code == 409
    assert ledger_verify()["ok"]


def test_one_person_holding_both_roles_may_not_approve_their_own_declaration(api, staff, coop, city):
    membership_add(user=staff, role="fund_manager", fund=city.fund)
    record_profit(api, staff, coop)
    d = declare(api, staff, coop).json()
    r = api.as_user(staff).post(f"/api/v1/cooperatives/{coop.pk}/distributions/{d['id']}/approve/")
    assert r.status_code == 403
    assert "another" in r.json()["detail"] or "另一" in r.json()["detail"]
    assert Distribution.objects.get().status == "declared"
    assert fund_account(city.fund).normal_balance == 0


def test_the_fund_manager_may_reject_a_declaration_and_the_year_can_be_declared_again(api, staff, manager, coop):
    record_profit(api, staff, coop)
    d = declare(api, staff, coop, profit="5000.00").json()
    url = f"/api/v1/cooperatives/{coop.pk}/distributions/{d['id']}/reject/"
    assert api.as_user(manager).post(url, {"reason": ""}, format="json").status_code == 400
    r = api.as_user(manager).post(url, {"reason": "与财务报表不符"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert declare(api, staff, coop).status_code == 201
    assert Transfer.objects.filter(kind="dividend").count() == 0


def test_no_party_account_of_a_cooperative_may_go_negative(coop):
    for kind in ("undistributed_profit", "statutory_reserve", "losses_covered", "retained_earnings"):
        assert cooperative_account(coop, kind).may_go_negative is False
    assert not Account.objects.filter(owner_type="coop_holder", may_go_negative=True).exists()
