"""Accept-and-pay confirms with the amount (#20): the confirm page shows what will be paid, from
which of the fund's money to whom, and moves nothing; the POST pays once and says what it paid,
to whom, and the ledger transfer (流水 #N) with a link to the fund's public books."""

import pytest

from apps.ledger.models import Transfer
from tests.money_confirm import confirm, confirm_form, form_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(api, scene):
    milestone = scene.project.milestones.first()  # 30% of ¥100,000.00
    api.as_user(scene.org_admin).post(
        f"/api/v1/projects/{scene.project.pk}/milestones/{milestone.pk}/submit/", {"report": "报告"}, format="json"
    )
    return milestone


def _payouts():
    return Transfer.objects.filter(kind="grant_payout")


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["验收并付款", "¥30,000.00", "非限定资金", "取消，不记账"]),
        ("/en", ["Accept and pay", "¥30,000.00", "unrestricted money", "Cancel, move nothing"]),
    ],
)
def test_the_confirm_page_shows_amount_fund_and_payee_and_pays_nothing(client, scene, submitted, prefix, words):
    client.force_login(scene.staff)
    project_page = client.get(f"{prefix}/projects/{scene.project.pk}/").content.decode()
    confirm_url = f"{prefix}/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/"
    assert f'href="{confirm_url}"' in project_page  # a link to the confirm step, not a paying button

    page = client.get(confirm_url)

    body = page.content.decode()
    assert page.status_code == 200
    for word in [*words, scene.project.organization.name, scene.project.need.fund.name, submitted.title]:
        assert word in body
    assert "available" not in body.replace("unrestricted", "")  # the account's code is not shown
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not _payouts().exists()


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("", "已付款 ¥30,000.00 给 {payee}"),
        ("/en", "¥30,000.00 paid to {payee}"),
    ],
)
def test_confirming_pays_once_and_says_amount_payee_and_transfer(client, scene, submitted, prefix, said):
    client.force_login(scene.staff)
    url = f"{prefix}/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/"

    action, fields = confirm_form(client, url)
    body = client.post(action, fields, follow=True).content.decode()

    transfer = _payouts().get()
    submitted.refresh_from_db()
    assert submitted.status == "accepted"
    assert said.format(payee=scene.project.organization.name) in body
    number = "流水 #" if not prefix else "Transfer #"
    assert f"{number}{transfer.pk}" in body
    assert f"/funds/{scene.project.need.fund.pk}/#transfer-{transfer.pk}" in body

    again = client.post(action, fields, follow=True).content.decode()
    assert _payouts().count() == 1
    assert "¥30,000.00" not in again.split('class="messages"')[1].split("</ul>")[0]


def test_the_fund_page_anchors_the_paid_transfer(client, scene, submitted):
    client.force_login(scene.staff)
    confirm(client, f"/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/")
    transfer = _payouts().get()
    assert f'id="transfer-{transfer.pk}"' in client.get(f"/funds/{scene.project.need.fund.pk}/").content.decode()


def test_only_the_community_staff_see_the_confirm_page(client, scene, submitted):
    client.force_login(scene.org_admin)
    assert client.get(f"/en/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/").status_code == 404
    client.force_login(scene.other_staff)
    assert client.get(f"/en/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/").status_code == 404


@pytest.mark.parametrize(
    ("prefix", "said"),
    [("", "要转出的金额已不是页面上显示的"), ("/en", "The amount to move is no longer the one the page showed")],
)
def test_when_the_amount_changed_since_the_page_was_shown_nothing_is_paid_and_the_new_amount_is_shown(
    client, scene, submitted, prefix, said
):
    """The person confirms what they saw: if the milestone's amount changed while the confirm page
    was open (a variation, another tab), pressing the button pays nothing and shows the page again
    with the amount now; confirming that pays it."""
    client.force_login(scene.staff)
    url = f"{prefix}/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/"
    action, shown = confirm_form(client, url)  # ¥30,000.00 shown
    type(submitted).objects.filter(pk=submitted.pk).update(amount=25000)

    again = client.post(action, shown)

    body = again.content.decode()
    assert again.status_code == 409
    assert said in body and "¥25,000.00" in body and "¥30,000.00" not in body
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not _payouts().exists()
    client.post(action, form_of(again)[1])
    assert _payouts().get().amount == 2_500_000
    submitted.refresh_from_db()
    assert submitted.status == "accepted"


def test_a_post_that_did_not_come_from_the_confirm_page_pays_nothing(client, scene, submitted):
    client.force_login(scene.staff)
    response = client.post(f"/projects/{scene.project.pk}/milestones/{submitted.pk}/accept/")
    assert response.status_code == 409 and "¥30,000.00" in response.content.decode()
    assert not _payouts().exists()
