import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.core.jobs import run_due_jobs
from apps.notifications.digest import send_daily_digests
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.selectors import EMAIL_IMMEDIATE_DAILY_LIMIT
from apps.notifications.services import notification_preference_set, notify


@pytest.fixture
def alice(make_user):
    return make_user(username="alice")


@pytest.fixture
def bob(make_user):
    return make_user(username="bob")


def _notify(users, kind="need_published", title="新需求：玉林东路社区助老", **kw):
    return notify(users=users, kind=kind, title=title, body=kw.pop("body", "请查看。"), url=kw.pop("url", "/needs/1/"))


def test_notify_mails_immediately_by_default(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert "/needs/1/" in mail.outbox[0].body
    n = Notification.objects.get(user=alice)
    assert n.emailed_at is not None and n.read_at is None


def test_email_off_keeps_in_app_only(alice, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=True, email=False, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])
    assert mail.outbox == []
    assert Notification.objects.filter(user=alice, shown=True, read_at__isnull=True).count() == 1


def test_in_app_off_hides_from_centre_but_mails(alice, client, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=False, email=True, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])
    assert len(mail.outbox) == 1
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "新需求" not in page
    assert client.get("/workspace/").context["unread_notifications"] == 0


def test_all_channels_off_creates_nothing(alice, bob, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=False, email=False, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice, bob])
    assert not Notification.objects.filter(user=alice).exists()
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_preference_is_per_kind(alice, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=True, email=False, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])
        _notify([alice], kind="award_notice", title="中标公示")
    assert [m.subject for m in mail.outbox] == ["中标公示"]


def test_digest_preference_sends_one_mail_a_day(alice, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=True, email=True, digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            _notify([alice], title=f"新需求 {i}")
    assert mail.outbox == []
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=morning) == 1
    assert len(mail.outbox) == 1
    assert all(f"新需求 {i}" in mail.outbox[0].body for i in range(5))
    # same day again: nothing more; the notifications are marked as mailed
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=morning + dt.timedelta(hours=3)) == 0
    assert not Notification.objects.filter(user=alice, digest_pending=True).exists()
    assert len(mail.outbox) == 1


def test_digest_waits_until_morning(alice, django_capture_on_commit_callbacks):
    notification_preference_set(user=alice, kind="need_published", in_app=True, email=True, digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])
    night = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(3, 0)))
    assert send_daily_digests(now=night) == 0
    assert mail.outbox == []


def test_flood_of_notifications_falls_back_to_digest(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(50):
            _notify([alice], title=f"事件 {i}")
    assert len(mail.outbox) == EMAIL_IMMEDIATE_DAILY_LIMIT
    assert Notification.objects.filter(user=alice, digest_pending=True).count() == 50 - EMAIL_IMMEDIATE_DAILY_LIMIT
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests(force=True)
    assert len(mail.outbox) == EMAIL_IMMEDIATE_DAILY_LIMIT + 1
    assert "事件 49" in mail.outbox[-1].body


def test_digest_job_is_registered_with_run_scheduled():
    results = run_due_jobs(only=["notifications_daily_digest"])
    assert "notifications_daily_digest" in results


# --- pages ---------------------------------------------------------------


def test_centre_lists_own_notifications_with_unread_count(alice, bob, client):
    _notify([alice], title="给爱丽丝")
    _notify([bob], title="给鲍勃")
    client.force_login(alice)
    r = client.get("/notifications/")
    page = r.content.decode()
    assert "给爱丽丝" in page and "给鲍勃" not in page
    assert r.context["unread_count"] == 1
    assert 'class="badge"' in page  # header badge from the context processor


def test_centre_requires_sign_in(client):
    r = client.get("/notifications/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_mark_read_with_htmx_returns_the_item(alice, client):
    (n,) = _notify([alice])
    client.force_login(alice)
    r = client.post(f"/notifications/{n.pk}/read/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert f'id="notification-{n.pk}"' in r.content.decode()
    assert "unread" not in r.content.decode().split(">")[0]
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get("/notifications/").context["unread_count"] == 0


def test_mark_read_without_js_redirects_back(alice, client):
    (n,) = _notify([alice])
    client.force_login(alice)
    r = client.post(f"/notifications/{n.pk}/read/")
    assert r.status_code == 302 and r["Location"] == "/notifications/"


def test_cannot_mark_someone_elses_notification(alice, bob, client):
    (n,) = _notify([bob])
    client.force_login(alice)
    assert client.post(f"/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(alice, client):
    _notify([alice])
    _notify([alice], title="第二条")
    client.force_login(alice)
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()


def test_unread_filter_and_pagination(alice, client):
    for i in range(25):
        _notify([alice], title=f"通知{i:02d}")
    Notification.objects.filter(user=alice, title="通知00").update(read_at=timezone.now())
    client.force_login(alice)
    first = client.get("/notifications/")
    assert len(first.context["page_obj"]) == 20 and first.context["page_obj"].paginator.count == 25
    unread = client.get("/notifications/?show=unread")
    assert unread.context["page_obj"].paginator.count == 24


def test_preferences_page_saves_choices(alice, client):
    client.force_login(alice)
    r = client.get("/notifications/preferences/")
    assert r.status_code == 200
    r = client.post("/notifications/preferences/", {"award_notice-in_app": "on", "award_notice-digest": "on"})
    assert r.status_code == 302
    p = NotificationPreference.objects.get(user=alice, kind="award_notice")
    assert (p.in_app, p.email, p.digest) == (True, False, True)
    q = NotificationPreference.objects.get(user=alice, kind="need_published")
    assert (q.in_app, q.email, q.digest) == (False, False, False)


def test_workspace_shows_latest_unread(alice, client):
    _notify([alice], title="请审核服务时长")
    client.force_login(alice)
    page = client.get("/workspace/").content.decode()
    assert "请审核服务时长" in page


# --- API -----------------------------------------------------------------


def test_api_lists_own_notifications(alice, bob, api):
    _notify([alice], title="甲")
    _notify([bob], title="乙")
    r = api.as_user(alice).get("/api/v1/notifications/")
    assert r.status_code == 200
    assert [x["title"] for x in r.json()["results"]] == ["甲"]
    item = r.json()["results"][0]
    assert item["read"] is False and item["url"] == "/needs/1/" and item["kind"] == "need_published"


def test_api_requires_authentication(api):
    assert api.get("/api/v1/notifications/").status_code == 401


def test_api_mark_read_and_unread_filter(alice, bob, api):
    (n,) = _notify([alice])
    _notify([alice], title="另一条")
    c = api.as_user(alice)
    r = c.post(f"/api/v1/notifications/{n.pk}/read/")
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["read_at"]
    assert c.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert c.get("/api/v1/notifications/?unread=maybe").status_code == 400


def test_api_mark_read_of_others_is_404(alice, bob, api):
    (n,) = _notify([bob])
    assert api.as_user(alice).post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404
    assert api.as_user(alice).post("/api/v1/notifications/99999999/read/").status_code == 404


def test_api_preferences_roundtrip_and_validation(alice, api):
    c = api.as_user(alice)
    r = c.put(
        "/api/v1/notifications/preferences/",
        {"kind": "payout", "in_app": True, "email": False, "digest": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["digest"] is True
    rows = {x["kind"]: x for x in c.get("/api/v1/notifications/preferences/").json()}
    assert rows["payout"]["email"] is False and rows["need_published"]["email"] is True
    bad = c.put("/api/v1/notifications/preferences/", {"kind": "x" * 5000, "in_app": "perhaps"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json() and "in_app" in bad.json()


def test_api_read_all(alice, api):
    _notify([alice])
    _notify([alice], title="二")
    r = api.as_user(alice).post("/api/v1/notifications/read-all/")
    assert r.json() == {"marked": 2}
