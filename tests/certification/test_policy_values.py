"""Legal forms and the annual-report grace are policy values: each at its threshold, and an
application already submitted keeps the legal forms of the version it was judged by."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.certification.models import AnnualReport, Application, Certificate
from apps.certification.selectors import organization_is_certified_social_enterprise
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from tests.certification.conftest import run_scheduled
from tests.certification.test_eligibility import _judge, _rule
from tests.factories.core import OrganizationFactory


def _new_policy(**values):
    latest = policy_current()
    return PolicyVersion.objects.create(version=latest.version + 1, **values)


@pytest.mark.parametrize(
    ("allowed", "form", "passed"),
    [
        ("company,social_service_org,cooperative", "foundation", False),
        ("company,social_service_org,cooperative,foundation", "foundation", True),
        ("social_service_org", "company", False),
        ("social_service_org", "social_service_org", True),
    ],
)
def test_legal_forms_come_from_the_policy(city, allowed, form, passed):
    _new_policy(allowed_legal_forms=allowed)
    org = OrganizationFactory(legal_form=form, region=city.district)
    result = _rule(_judge(org), "legal_form")
    assert result["passed"] is passed
    assert result["detail"]


def test_narrowing_legal_forms_after_submission_does_not_rejudge(flow):
    pk = flow.create()
    submitted = flow.post(flow.as_applicant, pk, "submit")
    _new_policy(allowed_legal_forms="social_service_org,cooperative")
    flow.post(flow.as_staff, pk, "preliminary", {"decision": "return", "note": "补充年报"})
    patched = flow.as_applicant.patch(f"/api/v1/certifications/{pk}/", {"salaried_staff": 7}, format="json")
    assert patched.status_code == 200
    assert _rule(patched.json()["eligibility"], "legal_form")["passed"] is True
    resubmitted = flow.post(flow.as_applicant, pk, "submit")
    assert resubmitted["status"] == "submitted"
    assert resubmitted["policy_version"] == submitted["policy_version"]


def test_a_draft_meets_the_narrowed_legal_forms_at_submission(flow):
    pk = flow.create()
    _new_policy(allowed_legal_forms="social_service_org,cooperative")
    body = flow.post(flow.as_applicant, pk, "submit", expect=409)
    assert body["failed_rules"] == ["legal_form"]
    assert Application.objects.get(pk=pk).status == "draft"


def _overdue_by(certificate, days):
    report = certificate.annual_reports.order_by("period").first()
    AnnualReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=days))


@pytest.mark.parametrize(
    ("grace", "overdue", "suspended"), [(30, 30, False), (30, 31, True), (10, 10, False), (10, 11, True)]
)
def test_suspension_after_the_policy_grace_days(certified, enterprise, grace, overdue, suspended):
    if grace != policy_current().annual_report_grace_days:
        _new_policy(annual_report_grace_days=grace)
    certificate = Certificate.objects.get(application_id=certified)
    _overdue_by(certificate, overdue)
    run_scheduled()
    certificate.refresh_from_db()
    assert (certificate.status == "suspended") is suspended
    assert organization_is_certified_social_enterprise(enterprise) is not suspended
