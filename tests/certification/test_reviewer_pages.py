"""A reviewer's certification notice to declare is done once they declare (#20), and the staff
queue answers a reviewer with a page in the site's chrome and their language, not a bare 404."""

from __future__ import annotations

import pytest

from apps.certification import services
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def test_the_notice_to_declare_leaves_the_unread_once_the_reviewer_declares(
    client, applicant, enterprise, facts, staff, reviewers
):
    application = services.certification_create(actor=applicant, organization=enterprise, **facts)
    services.certification_submit(actor=applicant, application=application)
    services.certification_preliminary(actor=staff, application=application, decision="pass", note="")
    services.certification_panel_set(actor=staff, application=application, reviewers=reviewers)
    reviewer = reviewers[0]
    ask = Notification.objects.get(user=reviewer, kind="certification")
    assert ask.read_at is None
    client.force_login(reviewer)
    assert "利益冲突" in client.get("/workspace/").content.decode()

    services.certification_declare(actor=reviewer, application=application, conflict=False)

    ask.refresh_from_db()
    assert ask.read_at is not None
    assert "利益冲突" not in client.get("/workspace/").content.decode()
    others = Notification.objects.filter(user__in=reviewers[1:], kind="certification", read_at__isnull=True)
    assert others.count() == 2  # the others have not declared yet


def test_the_queue_tells_a_reviewer_they_may_not_see_it_in_chinese_and_english(client, make_user):
    client.force_login(make_user("reviewer"))
    zh = client.get("/certifications/queue/")
    assert zh.status_code == 403
    assert 'class="site-header"' in zh.content.decode() and "无权操作" in zh.content.decode()
    en = client.get("/en/certifications/queue/")
    assert en.status_code == 403
    assert "Not allowed" in en.content.decode() and "Not Found" not in en.content.decode()
