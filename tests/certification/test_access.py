"""Who sees and who changes a certification application."""

from __future__ import annotations

import pytest

from apps.accounts.services import membership_add, membership_end
from apps.certification.selectors import certification_list_for_user
from tests.factories.core import OrganizationFactory


@pytest.fixture
def application(flow):
    return flow.create()


def _get(client, pk):
    return client.get(f"/api/v1/certifications/{pk}/").status_code


def test_only_the_applicants_org_admin_edits(flow, application, make_user, enterprise):
    member = flow.api.as_user(make_user("org_member", organization=enterprise))
    other_admin = flow.api.as_user(make_user("org_admin", organization=make_org(flow)))
    assert _get(member, application) == 200
    assert (
        member.patch(f"/api/v1/certifications/{application}/", {"salaried_staff": 9}, format="json").status_code == 403
    )
    assert member.post(f"/api/v1/certifications/{application}/submit/").status_code == 403
    assert (
        other_admin.patch(f"/api/v1/certifications/{application}/", {"salaried_staff": 9}, format="json").status_code
        == 404
    )
    assert (
        flow.as_staff.patch(f"/api/v1/certifications/{application}/", {"salaried_staff": 9}, format="json").status_code
        == 403
    )
    ok = flow.as_applicant.patch(f"/api/v1/certifications/{application}/", {"salaried_staff": 9}, format="json")
    assert ok.status_code == 200


def test_only_org_admin_creates(flow, make_user, enterprise):
    member = flow.api.as_user(make_user("org_member", organization=enterprise))
    response = member.post("/api/v1/certifications/", {"organization": enterprise.pk, **flow.facts}, format="json")
    assert response.status_code == 403


def test_outsiders_and_anonymous_see_nothing(flow, application, make_user, api):
    stranger = flow.api.as_user(make_user("org_admin", organization=make_org(flow)))
    assert _get(stranger, application) == 404
    assert stranger.get("/api/v1/certifications/").json()["count"] == 0
    assert api.get(f"/api/v1/certifications/{application}/").status_code == 401
    assert _get(flow.as_staff, application) == 200
    assert _get(stranger, "abc") == 404
    assert _get(stranger, "99999999999999999999999") == 404


def make_org(flow):
    return OrganizationFactory(region=flow.enterprise.region)


def test_reviewer_sees_application_only_after_declaring(flow, reviewers):
    pk = flow.to_expert_review()
    client = flow.api.as_user(reviewers[0])
    assert _get(client, pk) == 404
    assert client.get("/api/v1/certifications/").json()["count"] == 0
    invitations = client.get("/api/v1/certifications/assignments/").json()
    assert invitations["results"][0]["application"] == pk
    assert invitations["results"][0]["declared"] is False
    client.post(f"/api/v1/certifications/{pk}/declarations/", {"conflict": False}, format="json")
    assert _get(client, pk) == 200
    assert client.get("/api/v1/certifications/").json()["count"] == 1


def test_reviewer_not_on_the_panel_cannot_declare_or_see(flow, make_user):
    pk = flow.to_expert_review()
    outsider = flow.api.as_user(make_user("reviewer"))
    assert (
        outsider.post(f"/api/v1/certifications/{pk}/declarations/", {"conflict": False}, format="json").status_code
        == 404
    )
    assert _get(outsider, pk) == 404


def test_recused_reviewer_sees_nothing(flow, reviewers):
    pk = flow.to_expert_review()
    client = flow.api.as_user(reviewers[1])
    client.post(f"/api/v1/certifications/{pk}/declarations/", {"conflict": True, "note": "亲属"}, format="json")
    assert _get(client, pk) == 404
    assert not certification_list_for_user(user=reviewers[1]).exists()


def test_past_member_within_lookback_is_recused_whatever_they_declare(flow, reviewers, enterprise):
    former = reviewers[2]
    membership = membership_add(user=former, role="org_member", organization=enterprise)
    membership_end(membership=membership)
    if hasattr(former, "_active_memberships"):
        del former._active_memberships
    pk = flow.to_expert_review()
    client = flow.api.as_user(former)
    member = client.post(f"/api/v1/certifications/{pk}/declarations/", {"conflict": False}, format="json").json()
    assert member["recused"] is True
    assert _get(client, pk) == 404
    assert client.post(f"/api/v1/certifications/{pk}/scores/", {"score": 99}, format="json").status_code == 404


def test_panel_needs_reviewers_from_the_pool(flow, make_user):
    pk = flow.create()
    flow.post(flow.as_applicant, pk, "submit")
    not_reviewer = make_user("org_member", organization=make_org(flow))
    response = flow.as_staff.post(
        f"/api/v1/certifications/{pk}/panel/", {"reviewers": [not_reviewer.pk]}, format="json"
    )
    assert response.status_code == 400 and "reviewers" in response.json()
    assert (
        flow.as_applicant.post(
            f"/api/v1/certifications/{pk}/panel/", {"reviewers": [not_reviewer.pk]}, format="json"
        ).status_code
        == 403
    )


def test_applicant_does_not_see_reviewer_identities_or_scores(flow):
    pk = flow.to_notice()
    data = flow.as_applicant.get(f"/api/v1/certifications/{pk}/").json()
    assert data["panel"] == [] and data["scores"] == []
    staff_view = flow.as_staff.get(f"/api/v1/certifications/{pk}/").json()
    assert len(staff_view["panel"]) == 3 and len(staff_view["scores"]) == 3
