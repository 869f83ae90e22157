"""The read-only list of certification applications in the Wagtail admin, for platform staff."""

import pytest
from django.urls import reverse

from tests.certification.conftest import application_in
from tests.factories.core import OrganizationFactory

URL = "/cms-admin/certification_applications/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


@pytest.fixture
def applications(city, applicant):
    def make(name, status):
        org = OrganizationFactory(name=name, legal_form="company", region=city.street)
        return application_in(status, organization=org, created_by=applicant)

    return make("玉林助餐社会企业", "submitted"), make("望江楼家政社会企业", "certified")


def test_staff_list_applications_filtered_by_status_with_links_to_the_staff_page(client, staff, applications):
    submitted, certified = applications
    client.force_login(staff)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "玉林助餐社会企业" in html and "望江楼家政社会企业" in html
    assert f'href="/certifications/{submitted.pk}/"' in html
    filtered = client.get(URL, {"status": "submitted"}).content.decode()
    assert "玉林助餐社会企业" in filtered and "望江楼家政社会企业" not in filtered
    assert client.get(f"{URL}inspect/{certified.pk}/").status_code == 200


def test_the_admin_list_is_read_only(client, staff, applications):
    submitted, _certified = applications
    client.force_login(staff)
    assert client.get(reverse("certification_applications:add")).status_code in (302, 403)
    edit = reverse("certification_applications:edit", args=[submitted.pk])
    assert client.post(edit, {"status": "certified"}).status_code in (302, 403)
    delete = reverse("certification_applications:delete", args=[submitted.pk])
    assert client.post(delete).status_code in (302, 403)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_applicants_do_not_see_the_admin_list(client, applicant, applications):
    client.force_login(applicant)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "望江楼家政社会企业" not in response.content.decode()
