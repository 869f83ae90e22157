"""Fixtures for certification: an enterprise fit to be certified, its admin, staff and reviewers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.certification.models import Application
from apps.core.selectors import policy_current
from tests.factories.certification import FACTS, ApplicationFactory
from tests.factories.core import OrganizationFactory


@pytest.fixture
def enterprise(city):
    return OrganizationFactory(enterprise=True, name="成都玉林邻里社会企业有限公司", region=city.street)


@pytest.fixture
def applicant(make_user, enterprise):
    return make_user("org_admin", organization=enterprise)


@pytest.fixture
def staff(make_user):
    policy_current()
    return make_user("platform_staff")


@pytest.fixture
def reviewers(make_user):
    return [make_user("reviewer") for _ in range(3)]


@pytest.fixture
def facts():
    return dict(FACTS)


class Flow:
    """Drives an application through the API, step by step, as the people involved would."""

    def __init__(self, api, applicant, staff, reviewers, enterprise, facts):
        self.api, self.applicant, self.staff, self.reviewers = api, applicant, staff, reviewers
        self.enterprise, self.facts = enterprise, facts
        self.as_applicant = api.as_user(applicant)
        self.as_staff = api.as_user(staff)

    def create(self, **overrides):
        body = {"organization": self.enterprise.pk, **self.facts, **overrides}
        response = self.as_applicant.post("/api/v1/certifications/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    def post(self, client, pk, action, body=None, expect=200):
        response = client.post(f"/api/v1/certifications/{pk}/{action}/", body or {}, format="json")
        assert response.status_code == expect, response.json()
        return response.json()

    def to_expert_review(self, **overrides):
        pk = self.create(**overrides)
        self.post(self.as_applicant, pk, "submit")
        self.post(self.as_staff, pk, "preliminary", {"decision": "pass", "note": "材料齐全"})
        self.post(self.as_staff, pk, "panel", {"reviewers": [r.pk for r in self.reviewers]})
        return pk

    def score_all(self, pk, scores):
        for reviewer, score in zip(self.reviewers, scores, strict=True):
            client = self.api.as_user(reviewer)
            self.post(client, pk, "declarations", {"conflict": False, "note": ""}, expect=201)
            self.post(client, pk, "scores", {"score": score, "comment": "意见"}, expect=201)

    def to_notice(self, scores=(80, 70, 90)):
        pk = self.to_expert_review()
        self.score_all(pk, scores)
        data = self.post(self.as_staff, pk, "decide")
        assert data["status"] == "notice"
        return pk

    def end_notice(self, pk):
        Application.objects.filter(pk=pk).update(notice_ends_at=timezone.now() - dt.timedelta(minutes=1))
        run_scheduled()

    def certified(self):
        pk = self.to_notice()
        self.end_notice(pk)
        return pk


def run_scheduled():
    call_command(
        "run_scheduled",
        "--only",
        *[
            "certification_notices_end",
            "certification_annual_reports",
            "certification_renewal_windows",
            "certification_expire",
        ],
    )


@pytest.fixture
def flow(api, applicant, staff, reviewers, enterprise, facts):
    return Flow(api, applicant, staff, reviewers, enterprise, facts)


@pytest.fixture
def certified(flow):
    """An application certified through the whole workflow (pk)."""
    return flow.certified()


def application_in(status: str, *, organization, created_by) -> Application:
    """An application row in ``status``, written directly (for pages that only list or badge it)."""
    return ApplicationFactory(status=status, organization=organization, created_by=created_by)
