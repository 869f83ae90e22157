"""Issue #20: the service record names the statuses of hours still waiting, in the page language."""

import re

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


def test_hours_record_names_waiting_statuses_in_chinese(client, api, scene, log_payload):
    first = api.as_user(scene.worker.user).post(URL, log_payload(start_time="09:00", end_time="11:30"), format="json")
    api.as_user(scene.worker.user).post(URL, log_payload(start_time="14:00", end_time="15:00"), format="json")
    api.as_user(scene.org_admin).post(f"{URL}{first.json()['id']}/approve/")
    client.force_login(scene.worker.user)
    page = client.get("/hours/record/").content.decode()
    assert re.search(r"已审核 [0-9.]+ 小时、已提交 [0-9.]+ 小时", page)
    assert "approved" not in page and "submitted" not in page
    english = client.get("/en/hours/record/").content.decode()
    assert re.search(r"[Aa]pproved [0-9.]+ h, [Ss]ubmitted [0-9.]+ h", english)
