"""The public registry, certificate verification (API and page), the PDF, the badge, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from apps.certification.models import Application, Certificate
from tests.certification.conftest import run_scheduled
from tests.factories.core import OrganizationFactory


@pytest.fixture
def certificate(certified):
    return Certificate.objects.select_related("organization").get(application_id=certified)


def _expire(certificate):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=yesterday - dt.timedelta(days=900), valid_until=yesterday
    )
    certificate.annual_reports.update(submitted_at=timezone.now())
    run_scheduled()
    certificate.refresh_from_db()


def test_certificate_api_valid_expired_revoked_unknown(api, flow, certificate):
    body = api.get(f"/api/v1/certificates/{certificate.certificate_no}/").json()
    assert body["status"] == "certified" and body["valid_today"] is True
    assert body["organization_name"] == certificate.organization.name
    assert api.get("/api/v1/certificates/SE190000000/").status_code == 404
    assert api.get("/api/v1/certificates/" + "x" * 300 + "/").status_code == 404
    flow.post(flow.as_staff, certificate.application_id, "revoke", {"reason": "摘牌"})
    body = api.get(f"/api/v1/certificates/{certificate.certificate_no}/").json()
    assert body["status"] == "revoked" and body["valid_today"] is False and body["revoked_reason"] == "摘牌"


def test_certificate_page_for_valid_expired_revoked_and_unknown(flow, certificate):
    client = Client()
    page = client.get(f"/en/certificates/{certificate.certificate_no}/")
    assert page.status_code == 200
    assert "genuine and valid today" in page.content.decode()
    assert client.get("/en/certificates/SE190000000/").status_code == 404
    _expire(certificate)
    assert "no longer valid" in client.get(f"/en/certificates/{certificate.certificate_no}/").content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(status="revoked", revoked_reason="违规")
    html = client.get(f"/en/certificates/{certificate.certificate_no}/").content.decode()
    assert "was revoked" in html and "违规" in html


def test_certificate_pdf(certificate):
    response = Client().get(f"/certificates/{certificate.certificate_no}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content


def test_registry_lists_certified_expired_and_revoked_with_filters(api, flow, certificate, city):
    revoked_org = OrganizationFactory(legal_form="social_service_org", region=city.other_street)
    revoked_app = Application.objects.create(
        organization=revoked_org,
        status="revoked",
        salaried_staff=3,
        revenue_total=1,
        revenue_commercial=1,
        profit_distributable=0,
        profit_distributed=0,
        mission_statement="x",
        created_by=flow.staff,
    )
    Certificate.objects.create(
        organization=revoked_org,
        application=revoked_app,
        certificate_no="SE202000001",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2022, 12, 31),
        status="revoked",
        status_changed_on=dt.date(2021, 5, 1),
    )
    # A draft or a notice never appears in the registry.
    OrganizationFactory(legal_form="company", region=city.street)
    rows = api.get("/api/v1/social-enterprises/").json()["results"]
    assert {(r["certificate_no"], r["status"]) for r in rows} == {
        (certificate.certificate_no, "certified"),
        ("SE202000001", "revoked"),
    }
    assert set(rows[0]) >= {"organization", "certificate_no", "status", "valid_until"}
    only_company = api.get("/api/v1/social-enterprises/?legal_form=company").json()["results"]
    assert [r["certificate_no"] for r in only_company] == [certificate.certificate_no]
    in_street = api.get(f"/api/v1/social-enterprises/?district={city.other_street.code}").json()["results"]
    assert [r["certificate_no"] for r in in_street] == ["SE202000001"]
    in_district = api.get(f"/api/v1/social-enterprises/?district={city.district.code}").json()
    assert in_district["count"] == 2
    assert api.get("/api/v1/social-enterprises/?legal_form=spaceship").status_code == 400
    html = Client().get("/en/social-enterprises/").content.decode()
    assert certificate.certificate_no in html and "SE202000001" in html


def test_registry_query_count_does_not_grow(api, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        api.get("/api/v1/social-enterprises/")


@translation.override("en")
def test_badge_shows_only_while_valid(flow, certificate):
    template = Template("{% load certification_tags %}{% certification_badge org %}")
    assert "Certified social enterprise" in template.render(Context({"org": certificate.organization}))
    flow.post(flow.as_staff, certificate.application_id, "revoke", {"reason": "摘牌"})
    assert "Certified social enterprise" not in template.render(Context({"org": certificate.organization}))


def test_pages_for_applicant_staff_and_reviewer(flow, applicant, staff, reviewers, enterprise, settings):
    settings.SANSHE_ENFORCE_MFA = False  # enrolment itself is the foundation's tested concern
    client = Client()
    client.force_login(applicant)
    response = client.post(
        "/en/certifications/",
        {"organization": enterprise.pk, **flow.facts, "mission_in_articles": "on", "asset_lock": "on"},
    )
    assert response.status_code == 302
    application = Application.objects.get(organization=enterprise)
    page = client.get(f"/en/certifications/{application.pk}/").content.decode()
    assert "Submit for review" in page
    client.post(f"/en/certifications/{application.pk}/", {"action": "submit"})
    application.refresh_from_db()
    assert application.status == "submitted"

    staff_client = Client()
    staff_client.force_login(staff)
    queue = staff_client.get("/en/certifications/queue/")
    assert queue.status_code == 200 and enterprise.name in queue.content.decode()
    assert client.get("/en/certifications/queue/").status_code == 403  # the site's 403 page (#20)
    staff_client.post(
        f"/en/certifications/{application.pk}/", {"action": "preliminary", "decision": "pass", "note": ""}
    )
    staff_client.post(
        f"/en/certifications/{application.pk}/", {"action": "panel", "reviewers": [r.pk for r in reviewers]}
    )
    application.refresh_from_db()
    assert application.status == "expert_review" and application.panel.count() == 3

    reviewer = Client()
    reviewer.force_login(reviewers[0])
    assert reviewer.get(f"/en/certifications/{application.pk}/").status_code == 404
    assert "conflict of interest" in reviewer.get(f"/en/certifications/review/{application.pk}/").content.decode()
    reviewer.post(f"/en/certifications/review/{application.pk}/", {"action": "declare", "note": ""})
    reviewer.post(f"/en/certifications/review/{application.pk}/", {"action": "score", "score": "77", "comment": "好"})
    assert application.scores.get(reviewer=reviewers[0]).score == 77
    assert reviewer.get(f"/en/certifications/{application.pk}/").status_code == 200


def test_a_refused_upload_shows_the_error_next_to_its_field_and_keeps_what_was_typed(flow, applicant, settings):
    """The service refuses a file that is no PDF, image or Office document: the page is shown again
    with the error next to the file field and the title the applicant typed, and nothing is saved."""
    settings.SANSHE_ENFORCE_MFA = False
    pk = flow.create()
    client = Client()
    client.force_login(applicant)
    fake = SimpleUploadedFile("audit.pdf", b"#!/bin/sh\necho not a pdf\n", content_type="application/pdf")
    response = client.post(f"/en/certifications/{pk}/", {"action": "document", "title": "年度审计报告", "file": fake})
    assert response.status_code == 200
    message = "This type of file is not accepted. Upload a PDF, an image or an Office document."
    assert response.context["document_form"].errors == {"file": [message]}
    html = response.content.decode()
    assert message in html and 'value="年度审计报告"' in html
    assert not Application.objects.get(pk=pk).documents.exists()


def test_a_refusal_without_a_field_is_shown_on_top_of_the_form(flow, applicant, settings):
    """A refusal that names no field (here: the application is no longer editable) goes on top."""
    settings.SANSHE_ENFORCE_MFA = False
    pk = flow.create()
    flow.post(flow.as_applicant, pk, "submit")
    client = Client()
    client.force_login(applicant)
    response = client.post(f"/en/certifications/{pk}/", {"action": "edit", **flow.facts})
    assert response.status_code == 200
    errors = response.context["edit_form"].non_field_errors()
    assert len(errors) == 1 and errors[0] in response.content.decode()
