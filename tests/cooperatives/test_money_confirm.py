"""Approving a distribution and paying a dividend confirm with the amount (#20): the confirm page
shows what will be booked, from which account to whom, and books nothing; the POST books once
and says what was booked, to whom, and the ledger transfer (流水 #N)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.cooperatives.models import Distribution
from apps.cooperatives.services import cooperative_create, distribution_approve, distribution_create, holder_add
from apps.ledger.models import Transfer
from tests.cooperatives.conftest import profit
from tests.money_confirm import confirm, confirm_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_enrolment(settings):
    settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern


@pytest.fixture
def declared(city, staff):
    coop = cooperative_create(actor=staff, name="玉林合作社", community=city.community, registered_capital=1000)
    holder_add(actor=staff, cooperative=coop, name="社区", holder_type="community", shares=3, certificate_no="A1")
    holder_add(actor=staff, cooperative=coop, name="李娜", holder_type="resident", shares=1, certificate_no="A2")
    year = timezone.localdate().year - 1
    profit(coop, staff, year, "1000.00")
    return distribution_create(
        actor=staff, cooperative=coop, fiscal_year=year, distributable_profit=Decimal(1000), prior_losses=Decimal(0)
    )


def _yuan(amount) -> str:
    return f"¥{amount:,.2f}"


def _message(body: str) -> str:
    return body.split('class="messages"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["批准分配", "未分配利润", "（公益金）", "（应付股金分红）", "取消，不记账"]),
        ("/en", ["Approve a distribution", "undistributed profit", "(public-welfare share)", "(dividend owed)"]),
    ],
)
def test_approving_shows_where_the_profit_goes_and_books_nothing(client, city, manager, declared, prefix, words):
    client.force_login(manager)
    url = f"{prefix}/cooperatives/{declared.cooperative_id}/distributions/{declared.pk}/approve/"
    assert f'href="{url}"' in client.get(f"{prefix}/cooperatives/{declared.cooperative_id}/").content.decode()

    body = client.get(url).content.decode()

    lina = declared.allocations.get(holder__name="李娜")
    for word in [*words, "¥1,000.00", city.fund.name, "李娜", _yuan(lina.amount), _yuan(declared.public_welfare)]:
        assert word in body
    assert Distribution.objects.get(pk=declared.pk).status == "declared"
    assert not Transfer.objects.filter(kind="dividend").exists()


@pytest.mark.parametrize(("prefix", "number"), [("", "流水 #"), ("/en", "Transfer #")])
def test_approving_books_once_and_says_what_went_where(client, city, manager, declared, prefix, number):
    client.force_login(manager)
    url = f"{prefix}/cooperatives/{declared.cooperative_id}/distributions/{declared.pk}/approve/"

    said = _message(confirm(client, url, follow=True).content.decode())

    transfer = Transfer.objects.get(kind="dividend")
    assert Distribution.objects.get(pk=declared.pk).status == "approved"
    for word in ["¥1,000.00", _yuan(declared.public_welfare), city.fund.name, f"{number}{transfer.pk}"]:
        assert word in said
    assert f"/funds/{city.fund.pk}/#transfer-{transfer.pk}" in said
    client.post(url)
    assert Transfer.objects.filter(kind="dividend").count() == 1


@pytest.mark.parametrize(
    ("prefix", "words", "said"),
    [
        ("", ["支付股金分红", "玉林合作社，银行账户", "取消，不记账"], "股金分红 {amount} 已支付给 李娜"),
        ("/en", ["Pay a dividend", "玉林合作社, bank account"], "Dividend of {amount} paid to 李娜"),
    ],
)
def test_paying_a_dividend_confirms_then_pays_once(client, staff, manager, declared, prefix, words, said):
    approved = distribution_approve(actor=manager, distribution=declared)
    lina = approved.allocations.get(holder__name="李娜")
    url = f"{prefix}/cooperatives/{approved.cooperative_id}/distributions/{approved.pk}/allocations/{lina.pk}/pay/"
    client.force_login(staff)
    assert f'href="{url}"' in client.get(f"{prefix}/cooperatives/{approved.cooperative_id}/").content.decode()

    page = client.get(url).content.decode()

    for word in [*words, _yuan(lina.amount), "李娜"]:
        assert word in page
    assert not Transfer.objects.filter(kind="dividend_payout").exists()

    message = _message(confirm(client, url, follow=True).content.decode())

    transfer = Transfer.objects.get(kind="dividend_payout")
    assert said.format(amount=_yuan(lina.amount)) in message
    assert f"#{transfer.pk}" in message
    client.post(url)
    assert Transfer.objects.filter(kind="dividend_payout").count() == 1


def test_only_the_fund_manager_sees_the_approval_page(client, staff, declared):
    client.force_login(staff)
    url = f"/en/cooperatives/{declared.cooperative_id}/distributions/{declared.pk}/approve/"
    assert client.get(url).status_code == 404


def test_a_dividend_whose_amount_changed_since_the_page_was_shown_is_not_paid(client, staff, manager, declared):
    approved = distribution_approve(actor=manager, distribution=declared)
    lina = approved.allocations.get(holder__name="李娜")
    url = f"/cooperatives/{approved.cooperative_id}/distributions/{approved.pk}/allocations/{lina.pk}/pay/"
    client.force_login(staff)
    action, shown = confirm_form(client, url)
    shown["money_shown"] = "0" * 16  # what another amount's page would have posted

    response = client.post(action, shown)

    assert response.status_code == 409
    assert "要转出的金额已不是页面上显示的" in response.content.decode()
    assert not Transfer.objects.filter(kind="dividend_payout").exists()
