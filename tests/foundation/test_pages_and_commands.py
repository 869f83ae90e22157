import io

import pytest
from django.core import mail
from django.core.management import call_command

from apps.core.validators import credit_code_check_char
from apps.notifications.models import Notification
from apps.organizations.models import Organization


@pytest.fixture
def demo_city(db):
    out = io.StringIO()
    call_command("seed_demo", "--seed", "7", "--i-know-this-is-public", stdout=out)
    return out.getvalue()


def test_seed_demo_prints_accounts_and_is_deterministic(demo_city):
    assert "yulin_staff" in demo_city and "sanshe-demo-2026" in demo_city
    assert "editor" in demo_city and "moderator" in demo_city  # the CMS admin's accounts
    codes = list(Organization.objects.order_by("name").values_list("credit_code", flat=True))
    assert len(codes) >= 5
    assert all(credit_code_check_char(c[:17]) == c[17] for c in codes)


@pytest.mark.postgres  # SQLite cannot flush the demo's append-only ledger rows after the test
@pytest.mark.django_db(transaction=True)  # the emails are sent after each step commits
def test_seed_demo_keeps_its_notification_emails(settings, capsys):
    """The demo's events notify made-up accounts; with the console backend of `make run` they
    had buried the accounts under about 1,000 lines of email, and SMTP would have sent them."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("seed_demo", "--seed", "7", "--i-know-this-is-public", stdout=out)
    printed = capsys.readouterr().out + out.getvalue()
    assert "Message-ID" not in printed and "Subject:" not in printed
    kept = len(mail.outbox)
    assert kept > 10 and f"{kept} notification emails of the demo's events were kept, not sent." in printed
    assert Notification.objects.exists()  # the in-app notifications are there


def test_home_page_in_chinese_and_english(demo_city, client):
    zh = client.get("/")
    assert zh.status_code == 200
    assert '<html lang="zh-Hans">' in zh.content.decode()
    en = client.get("/en/")
    assert '<html lang="en">' in en.content.decode()
    html = zh.content.decode()
    assert "cdn" not in html.lower() and "googleapis" not in html


def test_demo_account_signs_in_and_sees_workspace(demo_city, client):
    assert client.login(username="org_admin", password="sanshe-demo-2026")
    page = client.get("/workspace/").content.decode()
    assert "成都市武侯区爱有戏社区发展中心" in page


def test_run_scheduled_lists_and_runs_every_app_job(db):
    listed = io.StringIO()
    call_command("run_scheduled", "--list", stdout=listed)
    names = set(listed.getvalue().split())
    expected = {"bidding_close_deadlines", "stats_rollup", "escalate_overdue_work_orders", "search_reconcile"}
    assert expected <= names
    ran = io.StringIO()
    call_command("run_scheduled", "--only", "stats_rollup", "bidding_close_deadlines", stdout=ran)
    assert sorted(line.split(":")[0] for line in ran.getvalue().splitlines()) == [
        "bidding_close_deadlines",
        "stats_rollup",
    ]
