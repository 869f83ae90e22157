"""What a fund manager needs (#20): the grant payouts page (what left the fund for which project
and to whom, newest first), the refund holds linked from the fund's page and the workspace, and a
workspace that counts holds, payouts and warnings rather than “1 账簿”."""

from __future__ import annotations

import pytest

from apps.funds.models import Donation, RefundHold
from apps.funds.payouts import award_reserve, milestone_payout
from apps.funds.services import fund_income_record
from apps.ledger.models import Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def _paid_project(city, project_factory, amounts=("600.00", "400.00")):
    total = sum(int(float(a) * 100) for a in amounts)
    fund_income_record(
        fund=city.fund, amount_fen=total, source="bank", idempotency_key=f"seed-{Transfer.objects.count()}"
    )
    project = project_factory(amounts=amounts)
    award_reserve(need=project.need, proposal=project.proposal)
    for milestone in project.milestones.order_by("position"):
        milestone_payout(milestone=milestone)
    return project


def _hold(city, amount_fen=5000):
    donation = Donation.objects.create(fund=city.fund, amount_fen=amount_fen, status=Donation.Status.REFUNDED)
    return RefundHold.objects.create(
        fund=city.fund, donation=donation, amount_fen=amount_fen, reason="refund", stripe_object_id=f"re_{donation.pk}"
    )


def test_the_payouts_page_lists_each_grant_paid_newest_first(client, city, project_factory):
    project = _paid_project(city, project_factory, amounts=("1234.50", "400.00"))
    payouts = list(Transfer.objects.filter(kind="grant_payout").order_by("-created_at", "-id"))
    html = client.get(f"/funds/{city.fund.pk}/payouts/").content.decode()
    assert "拨付记录" in html
    assert "¥1,234.50" in html and "¥400.00" in html
    assert project.title in html and project.organization.name in html
    assert f"流水 {payouts[0].pk}" in html and f"流水 {payouts[1].pk}" in html
    assert html.index(f'id="payout-{payouts[0].pk}"') < html.index(f'id="payout-{payouts[1].pk}"')
    assert "收入" not in html.split("<h1>", 1)[1].split("</table>", 1)[0]  # the fund's income is no payout
    english = client.get(f"/en/funds/{city.fund.pk}/payouts/").content.decode()
    assert "Grant payouts" in english and "Payee" in english and "拨付记录" not in english


def test_the_payouts_page_says_so_when_nothing_was_paid(client, city):
    html = client.get(f"/funds/{city.fund.pk}/payouts/").content.decode()
    assert "本基金尚未拨付任何资助" in html


def test_the_payouts_page_reads_in_a_bounded_number_of_queries(
    client, city, project_factory, django_assert_max_num_queries
):
    _paid_project(city, project_factory)
    with django_assert_max_num_queries(8):
        assert client.get(f"/funds/{city.fund.pk}/payouts/").status_code == 200
    for _ in range(3):
        _paid_project(city, project_factory)
    with django_assert_max_num_queries(8):
        html = client.get(f"/funds/{city.fund.pk}/payouts/").content.decode()
    assert html.count('id="payout-') == 8


def test_the_fund_page_links_holds_for_its_manager_and_payouts_for_everyone(client, city, make_user):
    holds, payouts = f"/funds/{city.fund.pk}/holds/", f"/funds/{city.fund.pk}/payouts/"
    public = client.get(f"/funds/{city.fund.pk}/").content.decode()
    assert f'href="{payouts}"' in public and f'href="{holds}"' not in public
    client.force_login(make_user("fund_manager", fund=city.fund))
    managed = client.get(f"/funds/{city.fund.pk}/").content.decode()
    assert f'href="{holds}"' in managed and "退款挂账" in managed


def test_the_fund_managers_workspace_counts_holds_payouts_and_warnings(client, city, make_user, project_factory):
    manager = make_user("fund_manager", fund=city.fund)
    _hold(city)
    _hold(city, 700)
    _paid_project(city, project_factory)
    client.force_login(manager)
    html = client.get("/workspace/").content.decode()
    holds = f'<li data-count="refund_holds"><a href="/funds/{city.fund.pk}/holds/"><strong class="count">2</strong>'
    payouts = f'<li data-count="payouts"><a href="/funds/{city.fund.pk}/payouts/"><strong class="count">2</strong>'
    assert holds in html and payouts in html
    assert 'data-count="reconciliation_warnings"' in html and 'data-count="pending_reports"' in html
    assert 'data-count="books"' not in html and "账簿</a>" not in html
