import datetime as dt

import pytest
from django.utils import timezone

from apps.core.jobs import run_due_jobs
from apps.notifications.models import Notification
from apps.projects.models import DeliveryRating, ServiceLog
from tests.money_confirm import confirm

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


def test_reminders_go_out_once(api, scene, log_payload):
    log_id = api.as_user(scene.worker.user).post(URL, log_payload(), format="json").json()["id"]
    ServiceLog.objects.filter(pk=log_id).update(created_at=timezone.now() - dt.timedelta(days=4))
    milestone = scene.project.milestones.first()
    milestone.due_date = timezone.localdate() + dt.timedelta(days=5)
    milestone.save()
    scene.worker2.registered_until = timezone.localdate() + dt.timedelta(days=40)
    scene.worker2.save()

    run_due_jobs(
        only=[
            "projects_remind_waiting_hours",
            "projects_remind_milestones_due",
            "projects_remind_registrations_expiring",
        ]
    )
    kinds = sorted(Notification.objects.values_list("kind", "user_id"))
    assert ("hours_waiting", scene.org_admin.pk) in kinds
    assert ("milestone_due", scene.org_admin.pk) in kinds
    assert ("registration_expiring", scene.worker2.user_id) in kinds
    assert not Notification.objects.filter(user=scene.worker.user, kind="registration_expiring").exists()
    count = Notification.objects.count()
    run_due_jobs(
        only=[
            "projects_remind_waiting_hours",
            "projects_remind_milestones_due",
            "projects_remind_registrations_expiring",
        ]
    )
    assert Notification.objects.count() == count


def test_fresh_records_are_not_reminded(api, scene, log_payload):
    api.as_user(scene.worker.user).post(URL, log_payload(), format="json")
    run_due_jobs(only=["projects_remind_waiting_hours"])
    assert not Notification.objects.filter(kind="hours_waiting").exists()


def test_worker_logs_hours_through_the_page(client, scene):
    client.force_login(scene.worker.user)
    assert client.get("/en/hours/").status_code == 200
    data = {
        "project": scene.project.pk,
        "date": scene.yesterday.isoformat(),
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "活动室",
        "content": "探访",
        "beneficiaries_served": 3,
    }
    assert client.post("/en/hours/", data).status_code == 302
    refused = client.post("/en/hours/", data)
    assert refused.status_code == 200
    assert "overlaps" in refused.content.decode()
    assert ServiceLog.objects.count() == 1


def test_community_confirms_after_a_check_page(client, api, scene, log_payload):
    log_id = api.as_user(scene.worker.user).post(URL, log_payload(), format="json").json()["id"]
    api.as_user(scene.org_admin).post(f"{URL}{log_id}/approve/")
    client.force_login(scene.staff)
    queue = client.get("/en/hours/confirm/")
    assert scene.worker.name in queue.content.decode()
    check = client.post("/en/hours/confirm/", {"ids": [log_id], "action": "confirm"})
    assert check.status_code == 200
    assert "2.50" in check.content.decode()
    assert ServiceLog.objects.get(pk=log_id).status == "approved"
    done = client.post("/en/hours/confirm/", {"ids": [log_id], "action": "confirm", "confirmed": "yes"})
    assert done.status_code == 302
    assert ServiceLog.objects.get(pk=log_id).status == "confirmed"


def test_queues_are_only_for_their_roles(client, scene):
    client.force_login(scene.outsider)
    assert client.get("/en/hours/approve/").status_code == 404
    assert client.get("/en/hours/confirm/").status_code == 404
    assert client.get("/en/hours/").status_code == 404


def test_project_page_lets_the_community_accept_a_milestone(client, api, scene):
    milestone = scene.project.milestones.first()
    api.as_user(scene.org_admin).post(
        f"/api/v1/projects/{scene.project.pk}/milestones/{milestone.pk}/submit/", {"report": "报告"}, format="json"
    )
    client.force_login(scene.staff)
    page = client.get(f"/en/projects/{scene.project.pk}/")
    assert "¥30,000.00" in page.content.decode()
    confirm(client, f"/en/projects/{scene.project.pk}/milestones/{milestone.pk}/accept/")
    milestone.refresh_from_db()
    assert milestone.status == "accepted"


def test_community_rates_an_accepted_milestone_once_from_the_project_page(client, api, scene):
    milestone = scene.project.milestones.first()
    api.as_user(scene.org_admin).post(
        f"/api/v1/projects/{scene.project.pk}/milestones/{milestone.pk}/submit/", {"report": "报告"}, format="json"
    )
    page_url = f"/en/projects/{scene.project.pk}/"
    rate_url = f"/en/projects/{scene.project.pk}/milestones/{milestone.pk}/rate/"
    client.force_login(scene.staff)
    assert "Rate the delivery" not in client.get(page_url).content.decode()  # not accepted yet
    confirm(client, f"/en/projects/{scene.project.pk}/milestones/{milestone.pk}/accept/")
    assert "Rate the delivery" in client.get(page_url).content.decode()

    client.force_login(scene.org_admin)  # the rated organization can neither see the form nor rate itself
    assert "Rate the delivery" not in client.get(page_url).content.decode()
    client.post(rate_url, {"rating": "5"})
    assert not DeliveryRating.objects.filter(milestone=milestone).exists()

    client.force_login(scene.staff)
    client.post(rate_url, {"rating": "4", "comment": "居民满意"})
    rating = DeliveryRating.objects.get(milestone=milestone)
    assert (rating.rating, rating.comment, rating.rated_by) == (4, "居民满意", scene.staff)
    page = client.get(page_url).content.decode()
    assert "Delivery rated 4 of 5" in page and "Rate the delivery" not in page

    client.post(rate_url, {"rating": "1"}, follow=True)
    assert DeliveryRating.objects.get(milestone=milestone).rating == 4  # a second rating changes nothing
