import re

import pytest
from django.utils import timezone

from apps.cooperatives.models import Distribution
from apps.cooperatives.services import cooperative_create, holder_add
from apps.funds.selectors import fund_account
from tests.cooperatives.conftest import founded
from tests.factories.cooperatives import PDF, statement
from tests.money_confirm import confirm


@pytest.fixture
def setup(city, make_user):
    staff = make_user("community_staff", community=city.community)
    resident = make_user()
    coop = cooperative_create(actor=staff, name="玉林合作社", community=city.community, registered_capital=1000)
    holder_add(actor=staff, cooperative=coop, name="社区", holder_type="community", shares=3, certificate_no="A1")
    mine = holder_add(
        actor=staff,
        cooperative=coop,
        name="李娜",
        holder_type="resident",
        shares=1,
        certificate_no="A2",
        holder_user=resident,
    )
    return staff, resident, coop, mine


def test_record_profit_declare_and_the_fund_manager_approves_in_the_browser_in_chinese(
    client, setup, make_user, city, settings
):
    settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern
    staff, _resident, coop, _mine = setup
    founded(coop.pk)
    client.force_login(staff)
    year = timezone.localdate().year - 1
    page = client.get(f"/cooperatives/{coop.pk}/").content.decode()
    assert "登记年度利润" in page
    form = client.get(f"/cooperatives/{coop.pk}/profits/new/")
    assert form.status_code == 200 and "财务报表" in form.content.decode()
    bad = client.post(
        f"/cooperatives/{coop.pk}/profits/new/",
        {"fiscal_year": year, "amount": "100.00", "statement": statement(b"MZ\x90\x00 not a statement", "x.pdf")},
    )
    assert bad.status_code == 400
    assert "不接受此类文件" in bad.content.decode()
    r = client.post(
        f"/cooperatives/{coop.pk}/profits/new/", {"fiscal_year": year, "amount": "100.00", "statement": statement()}
    )
    assert r.status_code == 302
    r = client.get(f"/cooperatives/{coop.pk}/distribute/", {"fiscal_year": year, "distributable_profit": "100.00"})
    assert r.status_code == 200
    assert "¥81.00" in r.content.decode()
    assert Distribution.objects.count() == 0
    too_much = client.get(
        f"/cooperatives/{coop.pk}/distribute/", {"fiscal_year": year, "distributable_profit": "100.01"}
    )
    assert "100.00" in too_much.content.decode()
    r = client.post(f"/cooperatives/{coop.pk}/distribute/", {"fiscal_year": year, "distributable_profit": "100.00"})
    assert r.status_code == 302
    declared = Distribution.objects.get()
    assert declared.status == "declared" and declared.dividend_pool == 81
    assert fund_account(city.fund).normal_balance == 0

    manager = make_user("fund_manager", fund=city.fund)
    client.force_login(manager)
    page = client.get(f"/cooperatives/{coop.pk}/").content.decode()
    assert "批准并记账" in page
    statement_page = client.get(f"/cooperatives/{coop.pk}/profits/{coop.profits.get().pk}/statement/")
    assert b"".join(statement_page.streaming_content) == PDF
    r = confirm(client, f"/cooperatives/{coop.pk}/distributions/{declared.pk}/approve/")
    assert r.status_code == 302
    assert Distribution.objects.get().status == "approved"
    assert fund_account(city.fund).normal_balance == 900
    # Money reads ¥1,234.50 on the register and the distribution (#20), never ¥1000 or ¥81.0000.
    page = client.get(f"/cooperatives/{coop.pk}/").content.decode()
    assert "¥1,000.00" in page and "¥81.00" in page and "¥100.00" in page
    assert not re.search(r"¥\d{4}", page) and not re.search(r"¥[\d,]+\.\d{3}", page)
    client.force_login(staff)
    preview = client.get(f"/cooperatives/{coop.pk}/distribute/").content.decode()
    assert f"{year} 年度：已登记利润 ¥100.00" in preview


def test_resident_page_shows_own_holding_not_the_register(client, setup):
    _staff, resident, coop, mine = setup
    client.force_login(resident)
    body = client.get(f"/en/cooperatives/{coop.pk}/").content.decode()
    assert "李娜" in body
    # the community's own holding (certificate A1) is not shown; ">A1<" because a CSRF token may hold "A1"
    assert ">A1<" not in body and ">A2<" in body
    assert client.get(f"/en/cooperatives/{coop.pk}/holders/{mine.pk}/certificate/").status_code == 200
    assert client.get(f"/en/cooperatives/{coop.pk}/distribute/").status_code == 404


def test_distribution_preview_shows_a_refusal_as_a_message_and_keeps_the_values(client, setup):
    staff, _resident, coop, _mine = setup
    founded(coop.pk)
    client.force_login(staff)
    url = f"/en/cooperatives/{coop.pk}/distribute/"
    typo = client.get(url, {"fiscal_year": "twenty", "distributable_profit": "1"})
    assert typo.status_code == 200
    assert "Enter a year and amounts with at most two decimals." in typo.content.decode()
    assert 'value="twenty"' in typo.content.decode()
    no_profit = client.get(url, {"fiscal_year": timezone.localdate().year - 1, "distributable_profit": "100.00"})
    assert no_profit.status_code == 200
    assert no_profit.context["waterfall"] is None
    shown = [str(m) for m in no_profit.context["messages"]]
    assert len(shown) == 1 and shown[0]
    in_chinese = client.get(f"/cooperatives/{coop.pk}/distribute/", {"fiscal_year": "x"}).content.decode()
    assert "请输入年度和最多两位小数的金额。" in in_chinese
