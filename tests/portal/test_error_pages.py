"""Not-found and forbidden answers are pages in the site's chrome and the request's language, and
the refusals of revenue and cooperative actions are translated sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from apps.cooperatives.services import cooperative_create, holder_add
from apps.core.errors import PermissionDenied
from apps.revenue.services import revenue_report_submit
from tests.factories.core import OrganizationFactory
from tests.factories.revenue import RevenueShareAgreementFactory

pytestmark = pytest.mark.django_db


def test_a_wrong_certificate_number_is_a_chinese_404_page_in_the_site_chrome(client):
    response = client.get("/certificates/NO-SUCH-CERTIFICATE/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert "页面不存在" in page
    assert "Not Found" not in page


def test_a_wrong_certificate_number_under_en_is_an_english_404_page(client):
    response = client.get("/en/certificates/NO-SUCH-CERTIFICATE/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "Page not found" in page
    assert "页面不存在" not in page


def test_a_forbidden_page_is_a_403_page_in_the_site_chrome_in_chinese_and_english(client, city, make_user, settings):
    settings.SANSHE_ENFORCE_MFA = False
    client.force_login(make_user())  # a resident: not the fund's manager
    zh = client.get(f"/funds/{city.fund.pk}/holds/")
    assert zh.status_code == 403
    assert 'class="site-header"' in zh.content.decode() and "无权操作" in zh.content.decode()
    en = client.get(f"/en/funds/{city.fund.pk}/holds/")
    assert en.status_code == 403
    assert "Not allowed" in en.content.decode()


def test_a_revenue_report_by_someone_not_the_enterprises_administrator_is_refused_in_chinese(city, make_user):
    enterprise = OrganizationFactory(region=city.district, legal_form="company")
    agreement = RevenueShareAgreementFactory(
        actor=make_user("fund_manager", fund=city.fund), organization=enterprise, fund=city.fund
    )
    day = dt.date(2025, 1, 1)
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        revenue_report_submit(
            actor=make_user(), agreement=agreement, period_start=day, period_end=day, revenue=Decimal("1.00")
        )
    assert refused.value.message == "只有该组织的管理员可以进行此操作。"


def test_changing_a_cooperatives_register_by_someone_not_its_manager_is_refused_in_chinese(city, make_user):
    staff = make_user("community_staff", community=city.community)
    coop = cooperative_create(actor=staff, name="玉林合作社", community=city.community, registered_capital=1000)
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        holder_add(
            actor=make_user(), cooperative=coop, name="李娜", holder_type="resident", shares=1, certificate_no="B1"
        )
    assert refused.value.message == "只有本社区的工作人员可以修改股东名册。"
