import datetime as dt

import pytest
from django.utils import timezone

from apps.revenue.services import revenue_share_create
from tests.factories.core import OrganizationFactory


@pytest.fixture
def enterprise(city):
    return OrganizationFactory(region=city.district, legal_form="company", name="成都玉林邻里社会企业有限公司")


@pytest.fixture
def fund_manager(make_user, city):
    return make_user("fund_manager", fund=city.fund)


@pytest.fixture
def enterprise_admin(make_user, enterprise):
    return make_user("org_admin", organization=enterprise)


@pytest.fixture
def agreement(city, enterprise, fund_manager):
    today = timezone.localdate()
    return revenue_share_create(
        user=fund_manager,
        organization=enterprise,
        fund=city.fund,
        fund_share_percent=30,
        start=today - dt.timedelta(days=365),
        end=today + dt.timedelta(days=365),
    )
