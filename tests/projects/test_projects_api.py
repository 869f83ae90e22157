import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.projects.models import Milestone, ProjectTeamChange
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


def ms_url(project, milestone, action):
    return f"/api/v1/projects/{project.pk}/milestones/{milestone.pk}/{action}/"


def test_project_detail_has_team_and_milestones(api, scene):
    body = api.get(f"/api/v1/projects/{scene.project.pk}/").json()
    assert body["need"] == scene.project.need_id
    assert body["organization"] == scene.project.organization_id
    assert body["amount"] == "100000.00"
    assert body["status"] == "active"
    assert {m["worker"] for m in body["team"]} == {scene.worker.pk, scene.worker2.pk}
    assert [m["amount"] for m in body["milestones"]] == ["30000.00", "30000.00", "40000.00"]
    assert set(body["milestones"][0]) >= {"id", "title", "due_date", "payment_percent", "amount", "status"}


def test_milestone_amounts_split_by_largest_remainder_to_the_fen(city, organization):
    """100.00 in three equal shares: 33.34 + 33.33 + 33.33 (the extra fen to the first by the
    largest-remainder tie-break, not to the last milestone), summing exactly to the contract."""
    project = make_project(
        community=city.community,
        organization=organization,
        amount=Decimal("100.00"),
        percents=(Decimal("33.33"), Decimal("33.33"), Decimal("33.34")),
    )
    amounts = list(project.milestones.values_list("amount", flat=True))
    assert sum(amounts) == Decimal("100.00")
    assert amounts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    equal = make_project(
        community=city.community,
        organization=organization,
        amount=Decimal("100.00"),
        percents=(Decimal(1), Decimal(1), Decimal(1)),
        title="等分",
    )
    assert list(equal.milestones.values_list("amount", flat=True)) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_project_list_filters(api, scene, city):
    assert api.get("/api/v1/projects/", {"community": city.community.code}).json()["count"] == 1
    assert api.get("/api/v1/projects/", {"community": city.other_community.code}).json()["count"] == 0
    assert api.get("/api/v1/projects/", {"organization": scene.project.organization_id}).json()["count"] == 1
    assert api.get("/api/v1/projects/", {"status": "completed"}).json()["count"] == 0
    assert api.get("/api/v1/projects/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/v1/projects/", {"organization": "x"}).status_code == 400


def test_unknown_project_is_404(api):
    assert api.get("/api/v1/projects/999999/").status_code == 404
    assert api.get("/api/v1/projects/abc/").status_code == 404


def test_milestone_submit_accept_pays_once_and_second_accept_is_409(api, scene):
    project = scene.project
    milestone = project.milestones.first()
    org = api.as_user(scene.org_admin)
    staff = api.as_user(scene.staff)
    assert staff.post(ms_url(project, milestone, "accept")).status_code == 409
    assert org.post(ms_url(project, milestone, "submit"), {"report": ""}, format="json").status_code == 400
    submitted = org.post(ms_url(project, milestone, "submit"), {"report": "完成需求调研"}, format="json")
    assert submitted.json()["status"] == "submitted"
    assert org.post(ms_url(project, milestone, "accept")).status_code == 403
    assert api.as_user(scene.other_staff).post(ms_url(project, milestone, "accept")).status_code == 403
    first = staff.post(ms_url(project, milestone, "accept"))
    assert first.status_code == 200
    assert first.json()["status"] == "accepted"
    accepted = Milestone.objects.get(pk=milestone.pk)
    assert accepted.paid_amount == Decimal("30000.00")
    second = staff.post(ms_url(project, milestone, "accept"))
    assert second.status_code == 409
    again = Milestone.objects.get(pk=milestone.pk)
    assert (again.accepted_at, again.paid_amount, again.accepted_by) == (
        accepted.accepted_at,
        accepted.paid_amount,
        scene.staff,
    )


def test_milestone_return_needs_reason_and_allows_resubmission(api, scene):
    project, milestone = scene.project, scene.project.milestones.first()
    org, staff = api.as_user(scene.org_admin), api.as_user(scene.staff)
    org.post(ms_url(project, milestone, "submit"), {"report": "报告"}, format="json")
    assert staff.post(ms_url(project, milestone, "return"), {}, format="json").status_code == 400
    returned = staff.post(ms_url(project, milestone, "return"), {"reason": "缺少签到表"}, format="json")
    assert returned.json()["status"] == "returned"
    assert returned.json()["returned_reason"] == "缺少签到表"
    assert org.post(ms_url(project, milestone, "submit"), {"report": "补充签到表"}, format="json").status_code == 200


def test_accepting_every_milestone_completes_the_project(api, scene):
    project = scene.project
    org, staff = api.as_user(scene.org_admin), api.as_user(scene.staff)
    for milestone in project.milestones.all():
        org.post(ms_url(project, milestone, "submit"), {"report": "报告"}, format="json")
        staff.post(ms_url(project, milestone, "accept"))
    project.refresh_from_db()
    assert project.status == "completed"


def test_team_changes_need_qualified_employed_workers_and_are_kept(api, scene, worker_factory, organization):
    url = f"/api/v1/projects/{scene.project.pk}/team/"
    admin = api.as_user(scene.org_admin)
    outsider_worker = worker_factory(organization=None)
    assert admin.post(url, {"worker": outsider_worker.pk, "role": "社工"}, format="json").status_code == 400
    unqualified = worker_factory(organization=organization, verified=False)
    response = admin.post(url, {"worker": unqualified.pk, "role": "社工"}, format="json")
    assert response.status_code == 400 and "worker" in response.json()
    newcomer = worker_factory(organization=organization)
    assert (
        api.as_user(scene.org_member).post(url, {"worker": newcomer.pk, "role": "社工"}, format="json").status_code
        == 403
    )
    added = admin.post(url, {"worker": newcomer.pk, "role": "督导"}, format="json")
    assert added.status_code == 201
    assert admin.post(url, {"worker": newcomer.pk, "role": "督导"}, format="json").status_code == 400
    ended = admin.post(f"{url}{added.json()['id']}/end/", {"end_date": timezone.localdate().isoformat()}, format="json")
    assert ended.status_code == 200
    actions = list(ProjectTeamChange.objects.filter(project=scene.project).values_list("action", flat=True))
    assert actions == ["added", "ended"]
    assert scene.project.team.filter(worker=newcomer).exists()


def test_hours_summary_by_year(api, scene, log_payload):
    client = api.as_user(scene.worker.user)
    log = client.post("/api/v1/service-logs/", log_payload(), format="json").json()
    api.as_user(scene.org_admin).post(f"/api/v1/service-logs/{log['id']}/approve/")
    api.as_user(scene.staff).post(f"/api/v1/service-logs/{log['id']}/confirm/")
    year = scene.yesterday.year
    url = f"/api/v1/workers/{scene.worker.pk}/hours-summary/"
    body = client.get(url, {"year": year}).json()
    assert body["year"] == year
    assert body["confirmed_hours"] == "2.50"
    assert body["projects"][0]["project"] == scene.project.pk
    assert body["projects"][0]["hours"] == "2.50"
    assert api.as_user(scene.org_admin).get(url, {"year": year}).json()["confirmed_hours"] == "2.50"
    assert client.get(url, {"year": year - 1}).json()["confirmed_hours"] == "0.00"
    assert api.as_user(scene.other_admin).get(url).status_code == 403
    assert client.get(url, {"year": "abc"}).status_code == 400
    assert api.get(url).status_code == 401


def test_project_period_dates_are_inclusive(api, scene, log_payload):
    scene.project.start_date = scene.yesterday
    scene.project.end_date = scene.yesterday
    scene.project.save()
    response = api.as_user(scene.worker.user).post("/api/v1/service-logs/", log_payload(), format="json")
    assert response.status_code == 201
    assert dt.date.fromisoformat(response.json()["date"]) == scene.yesterday
