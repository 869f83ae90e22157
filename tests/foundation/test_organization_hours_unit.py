"""An organization's public page gives its confirmed service hours with their unit, like the
other figures (not a bare "0.00")."""

from decimal import Decimal

import pytest

from tests.factories.projects import ServiceLogFactory, make_project

pytestmark = pytest.mark.django_db


def test_organization_page_gives_confirmed_hours_with_their_unit(client, city, organization, worker_factory):
    html = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert '<p class="count">0 小时</p>' in html
    worker = worker_factory(organization=organization)
    project = make_project(community=city.community, organization=organization, workers=[worker])
    ServiceLogFactory(worker=worker, project=project, hours=Decimal("7.50"))
    html = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert '<p class="count">7.5 小时</p>' in html
    assert '<p class="count">7.5 h</p>' in client.get(f"/en/organizations/{organization.pk}/").content.decode()
