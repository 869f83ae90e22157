"""Journey 6 through the API: apply, review, notice, objections, certificate, reports, renewal, expiry, revocation."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.certification.models import AnnualReport, Application, ApplicationEvent, Certificate
from apps.certification.selectors import (
    organization_certification_status,
    organization_is_certified_social_enterprise,
)
from apps.notifications.models import Notification
from tests.certification.conftest import run_scheduled


def test_full_workflow_with_return_and_resubmission(flow, applicant, staff, reviewers, enterprise):
    pk = flow.create()
    assert flow.post(flow.as_applicant, pk, "submit")["status"] == "submitted"
    assert Notification.objects.filter(user=staff, kind="certification").exists()

    returned = flow.post(flow.as_staff, pk, "preliminary", {"decision": "return", "note": "请补充章程"})
    assert returned["status"] == "returned"
    assert Notification.objects.filter(user=applicant, body__contains="请补充章程").exists()

    patched = flow.as_applicant.patch(f"/api/v1/certifications/{pk}/", {"salaried_staff": 8}, format="json")
    assert patched.status_code == 200 and patched.json()["salaried_staff"] == 8
    assert flow.post(flow.as_applicant, pk, "submit")["status"] == "submitted"
    assert flow.post(flow.as_staff, pk, "preliminary", {"decision": "pass"})["status"] == "expert_review"

    panel = flow.post(flow.as_staff, pk, "panel", {"reviewers": [r.pk for r in reviewers]})["panel"]
    assert len(panel) == 3
    assert Notification.objects.filter(user=reviewers[0], kind="certification").exists()
    flow.score_all(pk, (80, 61, 70))

    decided = flow.post(flow.as_staff, pk, "decide")
    assert decided["status"] == "notice"
    assert decided["score_mean"] == "70.33"
    assert decided["notice_ends_at"]

    # Not yet certified before the notice ends.
    run_scheduled()
    assert Application.objects.get(pk=pk).status == "notice"

    flow.end_notice(pk)
    data = flow.as_applicant.get(f"/api/v1/certifications/{pk}/").json()
    assert data["status"] == "certified"
    assert data["certificate_no"].startswith(f"SE{timezone.localdate().year}")
    expected_until = timezone.localdate() + relativedelta(years=3) - dt.timedelta(days=1)
    assert data["valid_until"] == expected_until.isoformat()
    assert organization_is_certified_social_enterprise(enterprise)
    assert organization_certification_status(enterprise)["status"] == "certified"
    transitions = list(ApplicationEvent.objects.filter(application_id=pk).values_list("from_status", "to_status"))
    assert [t for _f, t in transitions if _f != t] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "expert_review",
        "notice",
        "certified",
    ]
    assert [h["to_status"] for h in data["history"]][-1] == "certified"


def test_return_needs_a_note_and_preliminary_is_staff_only(flow):
    pk = flow.create()
    flow.post(flow.as_applicant, pk, "submit")
    assert (
        flow.as_staff.post(
            f"/api/v1/certifications/{pk}/preliminary/", {"decision": "return"}, format="json"
        ).status_code
        == 400
    )
    assert (
        flow.as_staff.post(
            f"/api/v1/certifications/{pk}/preliminary/", {"decision": "maybe"}, format="json"
        ).status_code
        == 400
    )
    assert (
        flow.as_applicant.post(
            f"/api/v1/certifications/{pk}/preliminary/", {"decision": "pass"}, format="json"
        ).status_code
        == 403
    )


def test_no_edit_after_submission(flow):
    pk = flow.create()
    flow.post(flow.as_applicant, pk, "submit")
    response = flow.as_applicant.patch(f"/api/v1/certifications/{pk}/", {"salaried_staff": 9}, format="json")
    assert response.status_code == 409


def test_low_mean_score_rejects_with_reason(flow, applicant):
    pk = flow.to_expert_review()
    flow.score_all(pk, (60, 59, 59))
    decided = flow.post(flow.as_staff, pk, "decide")
    assert decided["status"] == "rejected"
    assert "59.33" in decided["decision_note"]
    assert Notification.objects.filter(user=applicant, body=decided["decision_note"]).exists()


def test_mean_exactly_at_pass_score_goes_to_notice(flow):
    pk = flow.to_expert_review()
    flow.score_all(pk, (60, 60, 60))
    assert flow.post(flow.as_staff, pk, "decide")["status"] == "notice"


def test_decide_waits_for_every_declaration_and_score(flow, reviewers):
    pk = flow.to_expert_review()
    assert flow.post(flow.as_staff, pk, "decide", expect=409)["detail"]
    first = flow.api.as_user(reviewers[0])
    flow.post(first, pk, "declarations", {"conflict": False}, expect=201)
    flow.post(first, pk, "scores", {"score": 90}, expect=201)
    assert reviewers[1].username in flow.post(flow.as_staff, pk, "decide", expect=409)["detail"]


def test_declared_conflict_recuses_and_mean_ignores_them(flow, reviewers):
    pk = flow.to_expert_review()
    conflicted = flow.api.as_user(reviewers[0])
    member = flow.post(conflicted, pk, "declarations", {"conflict": True, "note": "曾任顾问"}, expect=201)
    assert member["recused"] is True
    assert conflicted.post(f"/api/v1/certifications/{pk}/scores/", {"score": 10}, format="json").status_code == 404
    for reviewer in reviewers[1:]:
        client = flow.api.as_user(reviewer)
        flow.post(client, pk, "declarations", {"conflict": False}, expect=201)
        flow.post(client, pk, "scores", {"score": 70}, expect=201)
    decided = flow.post(flow.as_staff, pk, "decide")
    assert decided["score_mean"] == "70.00"


def test_score_input_is_checked(flow, reviewers):
    pk = flow.to_expert_review()
    client = flow.api.as_user(reviewers[0])
    flow.post(client, pk, "declarations", {"conflict": False}, expect=201)
    for bad in (101, -1, "eighty", None, "9" * 500):
        assert client.post(f"/api/v1/certifications/{pk}/scores/", {"score": bad}, format="json").status_code == 400


def test_upheld_objection_sends_the_application_back_to_expert_review(flow, make_user, applicant, reviewers, settings):
    settings.SANSHE_ENFORCE_MFA = False  # for the reviewer's page below
    pk = flow.to_notice(scores=(80, 70, 90))
    resident = flow.api.as_user(make_user())
    objection = flow.post(resident, pk, "objections", {"text": "该企业分红超过章程规定"}, expect=201)
    resolved = flow.post(
        flow.as_staff, pk, f"objections/{objection['id']}/resolve", {"upheld": True, "note": "经核实属实"}
    )
    assert resolved["status"] == "upheld"
    application = Application.objects.get(pk=pk)
    assert application.status == "expert_review"
    assert application.notice_ends_at is None
    assert "经核实属实" in application.decision_note
    assert ApplicationEvent.objects.filter(application_id=pk, from_status="notice", to_status="expert_review").exists()
    assert Notification.objects.filter(user=reviewers[0], title__contains="重新评审").exists()
    # No certificate comes out of the interrupted notice.
    flow.end_notice(pk)
    assert not Certificate.objects.filter(application_id=pk).exists()
    # The scores of the first round no longer count: the panel must score again.
    body = flow.post(flow.as_staff, pk, "decide", expect=409)
    assert all(r.username in body["detail"] for r in reviewers)
    reviewer_page = Client()
    reviewer_page.force_login(reviewers[0])
    assert "no longer counts" in reviewer_page.get(f"/en/certifications/review/{pk}/").content.decode()
    for reviewer in reviewers:
        flow.post(flow.api.as_user(reviewer), pk, "scores", {"score": 50, "comment": "异议属实，降分"}, expect=201)
    decided = flow.post(flow.as_staff, pk, "decide")
    assert decided["status"] == "rejected"
    assert "50" in Application.objects.get(pk=pk).decision_note


def test_after_an_upheld_objection_a_second_notice_can_certify(flow, make_user, reviewers):
    pk = flow.to_notice()
    resident = flow.api.as_user(make_user())
    objection = flow.post(resident, pk, "objections", {"text": "员工人数不实"}, expect=201)
    flow.post(flow.as_staff, pk, f"objections/{objection['id']}/resolve", {"upheld": True, "note": "需复核"})
    for reviewer in reviewers:
        flow.post(flow.api.as_user(reviewer), pk, "scores", {"score": 75, "comment": "复核后仍符合"}, expect=201)
    assert flow.post(flow.as_staff, pk, "decide")["status"] == "notice"
    # The objection upheld in the first notice does not hold the certificate of the second.
    flow.end_notice(pk)
    assert Application.objects.get(pk=pk).status == "certified"


def test_dismissed_objection_still_certifies_and_open_one_waits(flow, make_user):
    pk = flow.to_notice()
    resident = flow.api.as_user(make_user())
    objection = flow.post(resident, pk, "objections", {"text": "怀疑数据不实"}, expect=201)
    flow.end_notice(pk)
    assert Application.objects.get(pk=pk).status == "notice"  # an open objection holds the certificate
    flow.post(flow.as_staff, pk, f"objections/{objection['id']}/resolve", {"upheld": False, "note": "不成立"})
    run_scheduled()
    assert Application.objects.get(pk=pk).status == "certified"


def test_objections_only_during_notice(flow, make_user, api):
    pk = flow.to_expert_review()
    someone = flow.api.as_user(make_user())
    # Not in notice: not even visible to an outsider.
    assert someone.post(f"/api/v1/certifications/{pk}/objections/", {"text": "x"}, format="json").status_code == 404
    assert flow.post(flow.as_applicant, pk, "objections", {"text": "x"}, expect=409)
    assert api.post(f"/api/v1/certifications/{pk}/objections/", {"text": "x"}, format="json").status_code == 401


def test_expiry_by_run_scheduled_removes_the_badge(certified, enterprise):
    certificate = Certificate.objects.get(application_id=certified)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=yesterday - dt.timedelta(days=1000), valid_until=yesterday
    )
    AnnualReport.objects.filter(certificate=certificate).update(submitted_at=timezone.now())
    run_scheduled()
    certificate.refresh_from_db()
    assert certificate.status == "expired"
    assert Application.objects.get(pk=certified).status == "expired"
    assert not organization_is_certified_social_enterprise(enterprise)
    assert organization_is_certified_social_enterprise(enterprise, on=yesterday)


def test_renewal_window_then_renewal_continues_validity(flow, certified, applicant, enterprise):
    certificate = Certificate.objects.get(application_id=certified)
    # Too early: the certificate is valid and the renewal window is not open.
    response = flow.as_applicant.post(
        "/api/v1/certifications/", {"organization": enterprise.pk, **flow.facts}, format="json"
    )
    assert response.status_code == 409
    ends = timezone.localdate() + dt.timedelta(days=60)
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=ends - relativedelta(years=3) + dt.timedelta(days=1), valid_until=ends
    )
    AnnualReport.objects.filter(certificate=certificate).update(submitted_at=timezone.now())
    before = Notification.objects.filter(user=applicant).count()
    run_scheduled()
    assert Notification.objects.filter(user=applicant).count() == before + 1
    run_scheduled()
    assert Notification.objects.filter(user=applicant).count() == before + 1  # once per window

    pk = flow.create()
    assert flow.as_applicant.get(f"/api/v1/certifications/{pk}/").json()["renewal_of"] == certificate.certificate_no
    flow.post(flow.as_applicant, pk, "submit")
    flow.post(flow.as_staff, pk, "preliminary", {"decision": "pass"})
    flow.post(flow.as_staff, pk, "panel", {"reviewers": [r.pk for r in flow.reviewers]})
    flow.score_all(pk, (75, 75, 75))
    flow.post(flow.as_staff, pk, "decide")
    flow.end_notice(pk)
    renewed = Certificate.objects.get(application_id=pk)
    assert renewed.valid_from == ends + dt.timedelta(days=1)
    certificate.refresh_from_db()
    assert certificate.superseded_by == renewed
    assert organization_certification_status(enterprise)["certificate_no"] == renewed.certificate_no
    registry = flow.api.get("/api/v1/social-enterprises/").json()
    assert [r["certificate_no"] for r in registry["results"]] == [renewed.certificate_no]


def test_revocation(flow, certified, enterprise, applicant):
    assert (
        flow.as_applicant.post(
            f"/api/v1/certifications/{certified}/revoke/", {"reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert flow.as_staff.post(f"/api/v1/certifications/{certified}/revoke/", {}, format="json").status_code == 400
    data = flow.post(flow.as_staff, certified, "revoke", {"reason": "违规分红，摘牌"})
    assert data["status"] == "revoked"
    assert data["certificate_status"] == "revoked"
    assert not organization_is_certified_social_enterprise(enterprise)
    assert Notification.objects.filter(user=applicant, body__contains="摘牌").exists()
    flow.post(flow.as_staff, certified, "revoke", {"reason": "again"}, expect=409)


def test_annual_report_missed_warns_then_suspends_then_reinstates(flow, certified, enterprise, applicant):
    certificate = Certificate.objects.get(application_id=certified)
    report = certificate.annual_reports.order_by("period").first()
    assert report.due_on == certificate.valid_from + relativedelta(years=1)
    AnnualReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate())
    before = Notification.objects.filter(user=applicant).count()
    run_scheduled()
    assert Notification.objects.filter(user=applicant).count() == before + 1  # the warning
    certificate.refresh_from_db()
    assert certificate.status == "certified"
    AnnualReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=31))
    run_scheduled()
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    assert not organization_is_certified_social_enterprise(enterprise)
    response = flow.as_applicant.post(
        f"/api/v1/certifications/{certified}/annual-reports/",
        {"summary": "全年服务老人 1,200 人次", "revenue_total": "900000.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    certificate.refresh_from_db()
    assert certificate.status == "certified"
    assert organization_is_certified_social_enterprise(enterprise)


def test_annual_report_not_due_yet_is_409(flow, certified):
    response = flow.as_applicant.post(
        f"/api/v1/certifications/{certified}/annual-reports/", {"summary": "提前"}, format="json"
    )
    assert response.status_code == 409


def test_one_live_application_per_organization(flow):
    flow.create()
    response = flow.as_applicant.post(
        "/api/v1/certifications/", {"organization": flow.enterprise.pk, **flow.facts}, format="json"
    )
    assert response.status_code == 409


def test_bad_input_is_400_never_500(flow):
    base = {"organization": flow.enterprise.pk, **flow.facts}
    for bad in (
        {"revenue_total": "abc"},
        {"revenue_total": "1.234"},
        {"revenue_total": "-5.00"},
        {"salaried_staff": "many"},
        {"organization": 999999},
        {"organization": "x" * 300},
        {"mission_statement": "长" * 6000},
        {"revenue_commercial": "2000000.00"},
        {"mission_in_articles": "perhaps"},
    ):
        response = flow.as_applicant.post("/api/v1/certifications/", base | bad, format="json")
        assert response.status_code == 400, (bad, response.content)
        assert set(bad) & set(response.json()), response.json()


def test_documents_are_checked_and_private(flow, make_user):
    pk = flow.create()
    pdf = SimpleUploadedFile(
        "章程.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )
    response = flow.as_applicant.post(
        f"/api/v1/certifications/{pk}/documents/", {"title": "章程", "file": pdf}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad = flow.as_applicant.post(f"/api/v1/certifications/{pk}/documents/", {"file": fake}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()
    url = response.json()["url"]
    assert flow.as_applicant.get(url).status_code == 200
    assert flow.api.as_user(make_user()).get(url).status_code == 404
