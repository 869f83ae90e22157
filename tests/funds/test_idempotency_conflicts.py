"""An idempotency key replayed with different content is a 409 (issue 18).

Keyed writes a user makes: ``POST funds/{id}/income/`` (the fund manager chooses the key). The
same key with the same content answers with the first record and books nothing more; the same
key with anything changed (the memo included) is a 409 ``{detail}`` in the user's language and
books nothing."""

import pytest

from apps.core.errors import StateConflict
from apps.funds.models import Income
from apps.funds.selectors import fund_account
from apps.funds.services import fund_income_record
from apps.ledger.models import Transfer

PAYLOAD = {"amount": "1200.50", "source": "银行转账", "memo": "企业捐赠", "purpose": "", "idempotency_key": "bank-1"}


@pytest.fixture
def manager(city, make_user):
    return make_user("fund_manager", fund=city.fund)


@pytest.fixture
def recorded(city, api, manager):
    client = api.as_user(manager)
    first = client.post(f"/api/v1/funds/{city.fund.pk}/income/", PAYLOAD, format="json")
    assert first.status_code == 201, first.content
    return client, first.json()


def _only_the_first_is_booked(city):
    assert Income.objects.count() == 1 and Transfer.objects.count() == 1
    income = Income.objects.get()
    assert (income.amount_fen, income.source, income.memo, income.purpose) == (120050, "银行转账", "企业捐赠", "")
    assert fund_account(city.fund).normal_balance == 120050


def test_income_replayed_with_the_same_content_returns_the_first_record(city, recorded):
    client, first = recorded
    again = client.post(f"/api/v1/funds/{city.fund.pk}/income/", PAYLOAD, format="json")
    assert again.status_code in (200, 201)
    assert again.json() == first
    _only_the_first_is_booked(city)


@pytest.mark.parametrize(
    "change",
    [{"memo": "个人捐赠"}, {"memo": ""}, {"source": "现金"}, {"amount": "1200.51"}, {"purpose": "elderly"}],
    ids=["memo", "memo-removed", "source", "amount", "purpose"],
)
def test_income_replayed_with_different_content_is_409_and_books_nothing(city, recorded, change):
    client, _first = recorded
    r = client.post(f"/api/v1/funds/{city.fund.pk}/income/", {**PAYLOAD, **change}, format="json")
    assert r.status_code == 409, r.content
    assert set(r.json()) == {"detail"}
    assert "幂等键" in r.json()["detail"]
    _only_the_first_is_booked(city)


def test_income_conflict_is_explained_in_english_on_request(city, recorded):
    client, _first = recorded
    r = client.post(
        f"/api/v1/funds/{city.fund.pk}/income/", {**PAYLOAD, "memo": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert r.status_code == 409
    assert "idempotency key" in r.json()["detail"]


def test_income_service_refuses_a_changed_memo(city, manager):
    content = {"amount_fen": 5000, "source": "现金", "idempotency_key": "cash-1", "actor": manager}
    first = fund_income_record(fund=city.fund, memo="社区义卖", **content)
    assert fund_income_record(fund=city.fund, memo="社区义卖", **content) == first

    with pytest.raises(StateConflict):
        fund_income_record(fund=city.fund, memo="别的", **content)
    assert Income.objects.count() == 1 and Transfer.objects.count() == 1


def test_the_same_key_in_another_fund_is_another_record(city, api, make_user):
    other = make_user("fund_manager", fund=city.other_fund)
    r = api.as_user(other).post(f"/api/v1/funds/{city.other_fund.pk}/income/", PAYLOAD, format="json")
    assert r.status_code == 201
    manager = make_user("fund_manager", fund=city.fund)
    r = api.as_user(manager).post(f"/api/v1/funds/{city.fund.pk}/income/", {**PAYLOAD, "memo": "x"}, format="json")
    assert r.status_code == 201
    assert Income.objects.count() == 2
