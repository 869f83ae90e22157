"""The organization's approval queue in Chromium: one box ticks every record on the page and reads
as partly ticked when only some are; the approval then covers them all. Without JavaScript the
box is not shown and each row's box still works."""

import pytest

from apps.projects.models import ServiceLog
from tests.browser.conftest import DESKTOP, may_sign_in, sign_in, visit
from tests.factories.projects import ServiceLogFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-Secret-123"


@pytest.fixture
def queue(city, organization, make_user, worker_factory):
    workers = [worker_factory(organization=organization, name=name) for name in ("李社工", "王社工", "张社工")]
    project = make_project(community=city.community, organization=organization, workers=workers)
    logs = [ServiceLogFactory(project=project, worker=w, status=ServiceLog.Status.SUBMITTED) for w in workers]
    return may_sign_in(make_user("org_admin", organization=organization)), logs


def test_select_all_ticks_every_record_and_approves_them(queue, live_server, page):
    admin, logs = queue
    sign_in(page, live_server, admin.username, PW)
    visit(page, "hours-approve-select-all", url=f"{live_server.url}/hours/approve/")
    select_all = page.get_by_label("全选本页 3 条记录")
    assert select_all.is_visible()
    rows = page.locator("input[name=ids]")

    select_all.check()
    assert [rows.nth(i).is_checked() for i in range(3)] == [True, True, True]
    rows.nth(1).uncheck()
    assert not select_all.is_checked()
    assert select_all.evaluate("box => box.indeterminate")
    select_all.check()
    assert rows.nth(1).is_checked() and not select_all.evaluate("box => box.indeterminate")

    page.locator("button[name=action][value=approve]").click()
    page.wait_for_load_state("load")
    assert {log.status for log in ServiceLog.objects.filter(pk__in=[log.pk for log in logs])} == {"approved"}
    assert page.locator("main .empty").is_visible()


def test_without_javascript_the_rows_still_tick(queue, live_server, browser):
    admin, logs = queue
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, admin.username, PW)
        page.goto(f"{live_server.url}/hours/approve/")
        assert not page.locator("input[data-select-all]").is_visible()
        page.check(f"input[name=ids][value='{logs[0].pk}']")
        page.locator("button[name=action][value=approve]").click()
        page.wait_for_load_state("load")
    finally:
        context.close()
    assert ServiceLog.objects.get(pk=logs[0].pk).status == "approved"
    assert ServiceLog.objects.get(pk=logs[1].pk).status == "submitted"
