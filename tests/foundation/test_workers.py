import datetime as dt

from apps.workers.selectors import worker_is_qualified_on


def test_worker_profile_is_unverified_until_staff_verify(api, make_user, today):
    user = make_user()
    client = api.as_user(user)
    response = client.put(
        "/api/v1/workers/me/",
        {
            "name": "王丽",
            "level": "intermediate",
            "certificate_no": "SW2021510001",
            "registered_until": str(today + dt.timedelta(days=500)),
            "skills": ["elderly"],
        },
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["verified"] is False
    worker_id = response.data["id"]
    public = api.get(f"/api/v1/workers/{worker_id}/").data
    assert public["certificate_no"] != "SW2021510001" and public["certificate_no"].startswith("SW")
    assert "*" in public["certificate_no"]
    assert client.post(f"/api/v1/workers/{worker_id}/verify/").status_code == 403
    staff = api.as_user(make_user("platform_staff"))
    assert staff.post(f"/api/v1/workers/{worker_id}/verify/").data["verified"] is True
    assert [w["id"] for w in api.get("/api/v1/workers/?skill=elderly&level=intermediate").data["results"]] == [
        worker_id
    ]


def test_worker_qualification_on_a_date(worker_factory, today):
    worker = worker_factory(level="intermediate", registered_until=today + dt.timedelta(days=10))
    assert worker_is_qualified_on(worker, today)
    assert worker_is_qualified_on(worker, today, "assistant")
    assert not worker_is_qualified_on(worker, today, "senior")
    assert not worker_is_qualified_on(worker, today + dt.timedelta(days=11))
    worker.verified = False
    assert not worker_is_qualified_on(worker, today)


def test_bad_worker_input_is_a_400(api, make_user):
    client = api.as_user(make_user())
    response = client.put(
        "/api/v1/workers/me/", {"name": "", "level": "guru", "registered_until": "never"}, format="json"
    )
    assert response.status_code == 400
    assert {"level", "registered_until", "certificate_no"} <= set(response.data)
