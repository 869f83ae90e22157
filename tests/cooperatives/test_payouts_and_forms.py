"""Paying dividends (once, through the ledger) and the manager's web forms for the register."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apps.cooperatives.booking import holder_dividend_account
from apps.cooperatives.forms import ShareTransferForm
from apps.cooperatives.models import DistributionAllocation, ShareHolder, ShareTransfer
from apps.cooperatives.services import cooperative_create, distribution_approve, distribution_create, holder_add
from apps.ledger.models import Transfer
from apps.ledger.selectors import ledger_verify
from tests.cooperatives.conftest import profit
from tests.money_confirm import confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(city, make_user):
    staff = make_user("community_staff", community=city.community)
    resident = make_user()
    coop = cooperative_create(actor=staff, name="玉林合作社", community=city.community, registered_capital=1000)
    community = holder_add(
        actor=staff, cooperative=coop, name="社区", holder_type="community", shares=3, certificate_no="A1"
    )
    mine = holder_add(
        actor=staff,
        cooperative=coop,
        name="李娜",
        holder_type="resident",
        shares=1,
        certificate_no="A2",
        holder_user=resident,
    )
    return staff, resident, coop, community, mine


@pytest.fixture
def distribution(setup, make_user, city):
    staff, _resident, coop, _community, _mine = setup
    year = timezone.localdate().year - 1
    profit(coop, staff, year, "100.00")
    declared = distribution_create(
        actor=staff, cooperative=coop, fiscal_year=year, distributable_profit=Decimal(100), prior_losses=Decimal(0)
    )
    return distribution_approve(actor=make_user("fund_manager", fund=city.fund), distribution=declared)


def pay_url(coop, distribution, allocation, api=True):
    path = f"cooperatives/{coop.pk}/distributions/{distribution.pk}/allocations/{allocation.pk}/pay/"
    return f"/api/v1/{path}" if api else f"/en/{path}"


def test_a_dividend_is_paid_once_through_the_ledger_and_a_second_payment_is_409(api, setup, distribution):
    staff, resident, coop, _community, mine = setup
    allocation = distribution.allocations.get(holder=mine)
    owed = holder_dividend_account(mine)
    owed.refresh_from_db()
    assert owed.normal_balance == 2025  # 81.00 × 1/4 = 20.25 yuan owed
    client = api.as_user(staff)
    first = client.post(pay_url(coop, distribution, allocation))
    assert first.status_code == 200, first.json()
    assert first.json()["paid_at"] is not None
    assert Transfer.objects.filter(kind="dividend_payout").count() == 1
    owed.refresh_from_db()
    assert owed.normal_balance == 0
    second = client.post(pay_url(coop, distribution, allocation))
    assert second.status_code == 409
    assert Transfer.objects.filter(kind="dividend_payout").count() == 1
    assert ledger_verify()["ok"]
    listed = client.get(f"/api/v1/cooperatives/{coop.pk}/distributions/").json()["results"][0]["allocations"]
    assert {a["name"]: a["paid_at"] is not None for a in listed} == {"社区": False, "李娜": True}


def test_only_the_manager_pays_and_strangers_get_404(api, setup, distribution, make_user, city):
    _staff, resident, coop, community, mine = setup
    allocation = distribution.allocations.get(holder=mine)
    assert api.as_user(resident).post(pay_url(coop, distribution, allocation)).status_code == 403
    other = make_user("community_staff", community=city.other_community)
    assert api.as_user(other).post(pay_url(coop, distribution, allocation)).status_code == 404
    assert DistributionAllocation.objects.get(pk=allocation.pk).paid_at is None
    assert not Transfer.objects.filter(kind="dividend_payout").exists()


def test_manager_pays_from_the_register_page(client, setup, distribution):
    staff, _resident, coop, community, _mine = setup
    allocation = distribution.allocations.get(holder=community)
    client.force_login(staff)
    page = client.get(f"/en/cooperatives/{coop.pk}/").content.decode()
    assert f'href="{pay_url(coop, distribution, allocation, api=False)}"' in page  # to the confirm page
    assert confirm(client, pay_url(coop, distribution, allocation, api=False)).status_code == 302
    allocation.refresh_from_db()
    assert allocation.paid_at is not None
    page = client.get(f"/en/cooperatives/{coop.pk}/").content.decode()
    assert pay_url(coop, distribution, allocation, api=False) not in page
    client.post(pay_url(coop, distribution, allocation, api=False))
    assert Transfer.objects.filter(kind="dividend_payout").count() == 1


def test_holder_form_issues_shares_and_shows_errors_next_to_the_field(client, setup):
    staff, resident, coop, _community, _mine = setup
    client.force_login(staff)
    url = f"/en/cooperatives/{coop.pk}/holders/new/"
    page = client.get(url).content.decode()
    assert "data-confirm" in page
    assert 'name="viewport"' in page
    duplicate = client.post(url, {"name": "王伟", "holder_type": "resident", "shares": 1, "certificate_no": "A1"})
    assert duplicate.status_code == 400
    html = duplicate.content.decode()
    assert 'id="id_certificate_no-errors"' in html
    assert "already in the register" in html
    # 3 community shares of 3 + 1 + 2 = exactly half: refused by the majority rule, on the field.
    too_many = client.post(url, {"name": "王伟", "holder_type": "resident", "shares": 2, "certificate_no": "A3"})
    assert too_many.status_code == 400
    assert 'id="id_shares-errors"' in too_many.content.decode()
    assert "cooperative_community_majority" in too_many.content.decode()
    unknown = client.post(
        url,
        {"name": "王伟", "holder_type": "resident", "shares": 1, "certificate_no": "A3", "username": "nobody-here"},
    )
    assert 'id="id_username-errors"' in unknown.content.decode()
    done = client.post(
        url,
        {"name": "王伟", "holder_type": "resident", "shares": 1, "certificate_no": "A3", "username": resident.username},
    )
    assert done.status_code == 302
    added = ShareHolder.objects.get(certificate_no="A3")
    assert (added.shares, added.user) == (1, resident)
    assert added.entries.get().kind == "issue"


def test_transfer_form_records_a_transfer_and_refuses_overdrawing_on_the_field(client, setup):
    staff, _resident, coop, community, mine = setup
    client.force_login(staff)
    url = f"/en/cooperatives/{coop.pk}/share-transfers/new/"
    assert "data-confirm" in client.get(url).content.decode()
    overdrawn = client.post(url, {"from_holder": mine.pk, "to_holder": community.pk, "shares": 2})
    assert overdrawn.status_code == 400
    assert 'id="id_shares-errors"' in overdrawn.content.decode()
    assert client.post(url, {"from_holder": mine.pk, "to_holder": community.pk, "shares": 1}).status_code == 302
    transfer = ShareTransfer.objects.get()
    assert (transfer.from_holder, transfer.to_holder, transfer.shares) == (mine, community, 1)
    assert "社区" in client.get(f"/en/cooperatives/{coop.pk}/").content.decode()


def test_register_forms_are_404_for_residents(client, setup):
    _staff, resident, coop, _community, _mine = setup
    client.force_login(resident)
    assert client.get(f"/en/cooperatives/{coop.pk}/holders/new/").status_code == 404
    assert client.get(f"/en/cooperatives/{coop.pk}/share-transfers/new/").status_code == 404


def test_share_transfer_form_names_giver_and_receiver_and_asks_to_choose(setup):
    coop = setup[2]
    with translation.override("zh-hans"):
        html = ShareTransferForm(cooperative=coop).as_div()
    for text in ("转出方", "转入方", "请选择转出股份的股东", "请选择转入股份的股东"):
        assert text in html
    assert "---------" not in html
    assert "起始日期" not in html
