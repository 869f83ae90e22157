import pytest

from tests.factories.core import OrganizationFactory
from tests.factories.revenue import RevenueShareAgreementFactory


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
    return RevenueShareAgreementFactory(actor=fund_manager, organization=enterprise, fund=city.fund)
