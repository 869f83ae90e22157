"""Resolving a refund hold confirms with the amount (#20): the confirm page shows what will be
booked, from whose money to whom, and books nothing; the POST books once and says what was booked
and the ledger transfer (流水 #N), linked to the fund's public books."""

import pytest

from apps.funds.models import RefundHold
from apps.funds.services import fund_income_record
from apps.ledger.models import Transfer
from tests.funds.test_holds import held  # noqa: F401 - the fixture
from tests.money_confirm import confirm_form

pytestmark = pytest.mark.django_db


def _message(body: str) -> str:
    return body.split('class="messages"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("prefix", "fund_words", "host_words"),
    [
        ("", ["处理退款挂账", "非限定资金", "取消，不记账"], ["托管基金会"]),
        ("/en", ["Resolve a refund hold", "unrestricted money"], ["the host foundation"]),
    ],
)
def test_the_confirm_page_shows_amount_and_whose_money_and_books_nothing(
    city,
    client,
    held,  # noqa: F811 - the fixture imported from test_holds
    make_user,
    prefix,
    fund_words,
    host_words,
):
    client.force_login(make_user("fund_manager", fund=city.fund))
    url = f"{prefix}/funds/{city.fund.pk}/holds/{held.pk}/"
    assert f'action="{url}"' in client.get(f"{prefix}/funds/{city.fund.pk}/holds/").content.decode()

    from_fund = client.get(url, {"resolution": "fund", "note": "到账"}).content.decode()
    by_host = client.get(url, {"resolution": "host"}).content.decode()

    for word in [*fund_words, "¥50.00", city.fund.name, held.donation.receipt_no, 'value="到账"']:
        assert word in from_fund
    for word in [*host_words, "¥50.00", city.fund.host_name]:
        assert word in by_host
    held.refresh_from_db()
    assert not held.resolved and not Transfer.objects.filter(key__startswith=f"hold:{held.pk}:").exists()


@pytest.mark.parametrize(("prefix", "number"), [("", "流水 #"), ("/en", "Transfer #")])
def test_booking_it_says_amount_source_and_transfer_once(city, client, held, make_user, prefix, number):  # noqa: F811
    fund_income_record(fund=city.fund, amount_fen=6000, source="街道拨款", idempotency_key="back")
    client.force_login(make_user("fund_manager", fund=city.fund))
    confirm_url = f"{prefix}/funds/{city.fund.pk}/holds/{held.pk}/"
    action, data = confirm_form(client, confirm_url, {"resolution": "fund"})

    message = _message(client.post(action, data, follow=True).content.decode())

    transfer = RefundHold.objects.get(pk=held.pk).transfer
    assert transfer is not None
    for word in ["¥50.00", city.fund.name, f"{number}{transfer.pk}", f"/funds/{city.fund.pk}/#transfer-{transfer.pk}"]:
        assert word in message
    client.post(action, data)
    assert Transfer.objects.filter(key__startswith=f"hold:{held.pk}:").count() == 1


def test_without_a_resolution_the_confirm_page_sends_back_to_the_holds(city, client, held, make_user):  # noqa: F811
    client.force_login(make_user("fund_manager", fund=city.fund))
    response = client.get(f"/en/funds/{city.fund.pk}/holds/{held.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/holds/#hold-{held.pk}")
