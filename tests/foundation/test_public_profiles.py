import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.projects.models import ServiceLog
from tests.factories.projects import make_project


def test_organization_page_shows_profile_projects_and_no_sealed_bids(client, city, organization, worker_factory):
    worker = worker_factory(organization=organization)
    make_project(community=city.community, organization=organization, workers=[worker], title="长者关爱项目")
    page = client.get(f"/organizations/{organization.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert organization.name in html and organization.credit_code in html and "长者关爱项目" in html
    assert client.get("/organizations/999999/").status_code == 404
    assert client.get(f"/en/organizations/{organization.pk}/").status_code == 200


def test_worker_page_masks_the_certificate_and_respects_consent(client, city, organization, worker_factory):
    worker = worker_factory(organization=organization, certificate_no="SW2020123456")
    project = make_project(community=city.community, organization=organization, workers=[worker])
    ServiceLog.objects.create(
        worker=worker,
        project=project,
        date=timezone.localdate(),
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        place="活动室",
        content="探访",
        beneficiaries_served=3,
        hours=Decimal("2.50"),
        status="confirmed",
    )
    html = client.get(f"/workers/{worker.pk}/").content.decode()
    assert worker.name in html
    assert "SW2020123456" not in html
    assert "2.50" in html
    worker.public_profile = False
    worker.save()
    assert "2.50" not in client.get(f"/workers/{worker.pk}/").content.decode()
