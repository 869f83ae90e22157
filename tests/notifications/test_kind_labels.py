"""Issue #20: every kind the apps send has a Chinese name on the notification settings page."""

import pytest

from apps.notifications.kinds import KINDS
from apps.notifications.models import Notification
from apps.notifications.services import notify


@pytest.mark.django_db
def test_notification_settings_name_every_received_kind_in_chinese(client, make_user):
    user = make_user()
    notify(users=[user], kind="dispatch_reporter", title="您报告的 #1：处理中")
    assert Notification.objects.filter(user=user, kind="dispatch_reporter").exists()
    client.force_login(user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "您所报事项的进展" in page
    assert ">dispatch_reporter<" not in page
    for kind in KINDS:
        assert f">{kind}<" not in page
