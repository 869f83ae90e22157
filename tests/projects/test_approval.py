import datetime as dt

import pytest

from apps.projects.models import ServiceLog, ServiceLogAmendment

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


@pytest.fixture
def submitted(api, scene, log_payload):
    response = api.as_user(scene.worker.user).post(URL, log_payload(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def act(api, user, log_id, action, **data):
    return api.as_user(user).post(f"{URL}{log_id}/{action}/", data, format="json")


def test_three_party_confirmation_in_order(api, scene, submitted):
    assert act(api, scene.org_admin, submitted, "approve").json()["status"] == "approved"
    response = act(api, scene.staff, submitted, "confirm")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    log = ServiceLog.objects.get(pk=submitted)
    assert (log.approved_by, log.confirmed_by) == (scene.org_admin, scene.staff)


def test_confirming_before_approval_is_409(api, scene, submitted):
    response = act(api, scene.staff, submitted, "confirm")
    assert response.status_code == 409
    assert ServiceLog.objects.get(pk=submitted).status == "submitted"


def test_approving_twice_is_409(api, scene, submitted):
    act(api, scene.org_admin, submitted, "approve")
    assert act(api, scene.org_admin, submitted, "approve").status_code == 409


def test_outsiders_cannot_see_so_get_404(api, scene, submitted):
    for user in (scene.other_staff, scene.other_admin, scene.outsider):
        assert act(api, user, submitted, "approve").status_code == 404
        assert api.as_user(user).get(f"{URL}{submitted}/").status_code == 404
    act(api, scene.org_admin, submitted, "approve")
    for user in (scene.other_staff, scene.other_admin, scene.outsider):
        assert act(api, user, submitted, "confirm").status_code == 404
    assert ServiceLog.objects.get(pk=submitted).status == "approved"


def test_parties_without_the_right_role_get_403(api, scene, submitted):
    assert act(api, scene.org_member, submitted, "approve").status_code == 403
    assert act(api, scene.staff, submitted, "approve").status_code == 403
    assert act(api, scene.worker.user, submitted, "approve").status_code == 403
    act(api, scene.org_admin, submitted, "approve")
    assert act(api, scene.org_admin, submitted, "confirm").status_code == 403
    assert act(api, scene.worker.user, submitted, "confirm").status_code == 403
    assert ServiceLog.objects.get(pk=submitted).status == "approved"


def test_either_party_rejects_with_a_reason(api, scene, submitted, log_payload):
    assert act(api, scene.org_admin, submitted, "reject").status_code == 400
    response = act(api, scene.org_admin, submitted, "reject", reason="时间与签到表不符")
    assert response.json()["status"] == "rejected"
    assert response.json()["rejected_reason"] == "时间与签到表不符"
    second = api.as_user(scene.worker.user).post(URL, log_payload(start_time="13:00", end_time="14:00"), format="json")
    act(api, scene.org_admin, second.json()["id"], "approve")
    assert act(api, scene.staff, second.json()["id"], "reject", reason="无服务对象签字").json()["status"] == "rejected"
    assert act(api, scene.staff, second.json()["id"], "confirm").status_code == 409


def test_confirmed_record_is_immutable(api, scene, submitted):
    act(api, scene.org_admin, submitted, "approve")
    act(api, scene.staff, submitted, "confirm")
    client = api.as_user(scene.worker.user)
    assert client.patch(f"{URL}{submitted}/", {"end_time": "12:00"}, format="json").status_code == 409
    assert client.delete(f"{URL}{submitted}/").status_code == 409
    assert act(api, scene.org_admin, submitted, "reject", reason="x").status_code == 409
    assert act(api, scene.staff, submitted, "reject", reason="x").status_code == 409
    log = ServiceLog.objects.get(pk=submitted)
    assert (log.status, str(log.end_time)[:5], log.hours) == ("confirmed", "11:30", log.hours)


def test_amendment_keeps_the_original_and_replaces_it_once_confirmed(api, scene, submitted, log_payload):
    act(api, scene.org_admin, submitted, "approve")
    act(api, scene.staff, submitted, "confirm")
    client = api.as_user(scene.worker.user)
    payload = log_payload(end_time="11:00", reason="结束时间记错")
    payload.pop("project")
    response = client.post(f"{URL}{submitted}/amend/", payload, format="json")
    assert response.status_code == 201, response.json()
    replacement = response.json()
    assert replacement["hours"] == "2.00" and replacement["status"] == "submitted"
    assert client.post(f"{URL}{submitted}/amend/", payload, format="json").status_code == 409

    original = ServiceLog.objects.get(pk=submitted)
    assert (original.status, original.hours, original.superseded_at) == ("confirmed", original.hours, None)
    act(api, scene.org_admin, replacement["id"], "approve")
    act(api, scene.staff, replacement["id"], "confirm")

    original.refresh_from_db()
    assert original.status == "confirmed" and str(original.hours) == "2.50"
    assert original.superseded_at is not None
    history = client.get(f"{URL}{submitted}/history/").json()
    assert [h["hours"] for h in history] == ["2.50", "2.00"]
    assert [h["superseded"] for h in history] == [True, False]
    assert ServiceLogAmendment.objects.get().reason == "结束时间记错"
    summary = client.get(f"/api/v1/workers/{scene.worker.pk}/hours-summary/", {"year": original.date.year}).json()
    assert summary["confirmed_hours"] == "2.00"


def test_only_the_recording_worker_may_request_a_correction(api, scene, submitted, log_payload):
    act(api, scene.org_admin, submitted, "approve")
    act(api, scene.staff, submitted, "confirm")
    payload = log_payload(reason="x")
    payload.pop("project")
    assert api.as_user(scene.org_admin).post(f"{URL}{submitted}/amend/", payload, format="json").status_code == 403


def test_correction_of_a_pending_record_is_409(api, scene, submitted, log_payload):
    payload = log_payload(reason="x")
    payload.pop("project")
    response = api.as_user(scene.worker.user).post(f"{URL}{submitted}/amend/", payload, format="json")
    assert response.status_code == 409


def test_bulk_approval_through_the_queue_page(client, scene, submitted, api, log_payload):
    second = api.as_user(scene.worker2.user).post(URL, log_payload(), format="json").json()["id"]
    client.force_login(scene.org_admin)
    response = client.post("/en/hours/approve/", {"ids": [submitted, second]})
    assert response.status_code == 302
    assert set(ServiceLog.objects.values_list("status", flat=True)) == {"approved"}


def test_the_approval_queue_ignores_posted_ids_of_another_organization(client, scene, submitted):
    client.force_login(scene.other_admin)
    response = client.post("/en/hours/approve/", {"ids": [submitted]})
    assert response.status_code == 302
    assert ServiceLog.objects.get(pk=submitted).status == "submitted"


def test_the_confirmation_queue_ignores_posted_ids_it_may_not_confirm(client, scene, submitted, api, log_payload):
    approved = api.as_user(scene.worker2.user).post(URL, log_payload(), format="json").json()["id"]
    act(api, scene.org_admin, approved, "approve")
    client.force_login(scene.other_staff)
    data = {"ids": [approved], "action": "confirm", "confirmed": "yes"}
    assert client.post("/en/hours/confirm/", data).status_code == 302
    client.force_login(scene.staff)
    check = client.post("/en/hours/confirm/", {"ids": [submitted, approved], "action": "confirm"})
    assert [log.pk for log in check.context["logs"]] == [approved]
    assert client.post("/en/hours/confirm/", {**data, "ids": [submitted]}).status_code == 302
    assert ServiceLog.objects.get(pk=submitted).status == "submitted"
    assert ServiceLog.objects.get(pk=approved).status == "approved"


def test_correction_after_the_logging_window_is_allowed_on_the_same_date(api, scene, submitted, log_payload):
    act(api, scene.org_admin, submitted, "approve")
    act(api, scene.staff, submitted, "confirm")
    old_date = scene.yesterday - dt.timedelta(days=30)
    ServiceLog.objects.filter(pk=submitted).update(date=old_date)
    payload = log_payload(date=old_date.isoformat(), end_time="11:00", reason="结束时间记错")
    payload.pop("project")
    client = api.as_user(scene.worker.user)
    assert client.post(f"{URL}{submitted}/amend/", payload, format="json").status_code == 201
    moved = log_payload(date=(old_date - dt.timedelta(days=1)).isoformat(), start_time="08:00", reason="日期记错")
    moved.pop("project")
    ServiceLog.objects.filter(amendment_of__original_id=submitted).update(status="rejected")
    response = client.post(f"{URL}{submitted}/amend/", moved, format="json")
    assert response.status_code == 400
    assert "date" in response.json()


def test_the_approval_queue_narrows_to_the_chosen_worker(client, scene, submitted, api, log_payload):
    second = api.as_user(scene.worker2.user).post(URL, log_payload(), format="json").json()["id"]
    client.force_login(scene.org_admin)
    everyone = client.get("/en/hours/approve/").context["logs"]
    assert {log.pk for log in everyone} == {submitted, second}
    narrowed = client.get("/en/hours/approve/", {"worker": scene.worker2.pk}).context["logs"]
    assert [log.pk for log in narrowed] == [second]
