"""The hours queues' filter: projects and workers are picked by name from what the reviewer may see,
and the date fields carry values the browser accepts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.projects import services
from apps.projects.models import ServiceLog
from tests.factories.core import OrganizationFactory
from tests.factories.projects import ServiceLogFactory, make_project

SUBMITTED, APPROVED = ServiceLog.Status.SUBMITTED, ServiceLog.Status.APPROVED


@pytest.fixture
def rival(scene, city, worker_factory):
    """Another organization's project in the same community, with its own worker's record."""
    other_org = OrganizationFactory(region=city.district)
    worker = worker_factory(organization=other_org, name="赵外援")
    project = make_project(community=city.community, organization=other_org, workers=[worker], title="望江助残项目")
    ServiceLogFactory(project=project, worker=worker, status=SUBMITTED)
    return project, worker


def _options(html: str, name: str) -> dict[str, str]:
    """The options of ``<select name=name>``: value → label (the empty choice included)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def test_the_approval_queue_offers_its_projects_and_workers_by_name(client, scene, rival):
    ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED)
    client.force_login(scene.org_admin)
    html = client.get("/hours/approve/").content.decode()
    assert _options(html, "project") == {"": "全部项目", str(scene.project.pk): "玉林长者关爱项目"}
    assert _options(html, "worker") == {"": "全部社工", str(scene.worker.pk): "李社工"}
    assert 'type="number"' not in html


def test_another_organizations_worker_is_not_offered_nor_accepted(client, scene, rival):
    ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED)
    _, their_worker = rival
    client.force_login(scene.org_admin)
    response = client.get("/en/hours/approve/", {"worker": their_worker.pk})
    assert "赵外援" not in response.content.decode()
    assert response.context["form"].errors["worker"]
    assert {log.worker for log in response.context["logs"]} == {scene.worker}


def test_the_confirmation_queue_offers_every_organizations_project_in_the_community(client, scene, rival):
    ServiceLogFactory(project=scene.project, worker=scene.worker2, status=APPROVED)
    their_project, their_worker = rival
    client.force_login(scene.staff)
    html = client.get("/hours/confirm/").content.decode()
    assert set(_options(html, "project")) == {"", str(scene.project.pk), str(their_project.pk)}
    assert set(_options(html, "worker")) == {"", str(scene.worker2.pk), str(their_worker.pk)}
    client.force_login(scene.other_staff)
    assert client.get("/hours/confirm/").status_code == 200
    assert set(_options(client.get("/hours/confirm/").content.decode(), "project")) == {""}


def test_the_queue_narrows_to_the_chosen_project_and_worker(client, scene, city, worker_factory, organization):
    second_project = make_project(
        community=city.community, organization=organization, workers=[scene.worker], title="玉林儿童课堂"
    )
    mine = ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED)
    ServiceLogFactory(project=scene.project, worker=scene.worker2, status=SUBMITTED)
    ServiceLogFactory(project=second_project, worker=scene.worker, status=SUBMITTED)
    client.force_login(scene.org_admin)
    response = client.get("/hours/approve/", {"project": scene.project.pk, "worker": scene.worker.pk})
    assert [log.pk for log in response.context["logs"]] == [mine.pk]
    html = response.content.decode()
    assert f'<option value="{scene.project.pk}" selected>' in html
    assert f'<option value="{scene.worker.pk}" selected>' in html


def test_queue_dates_are_iso_in_the_inputs_and_chinese_in_the_table(client, scene):
    day = dt.date(2026, 12, 4)
    ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED, date=day)
    client.force_login(scene.org_admin)
    html = client.get("/hours/approve/", {"date_from": "2026-12-01"}).content.decode()
    assert re.search(r'<input type="date" name="date_from" value="2026-12-01"', html)
    assert re.search(r'<td class="nowrap"(?: data-label="[^"]*")?>2026年12月4日</td>', html)


def test_the_hours_date_is_an_iso_value_that_defaults_to_today(client, scene):
    client.force_login(scene.worker.user)
    html = client.get("/hours/").content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="date" value="{today}"', html)
    assert '<option value="" selected>请选择项目</option>' in html  # no "---------"


def test_the_hours_date_default_is_todays_date_in_shanghai(client, scene):
    """16:30 UTC on 3 December is already 4 December in Chengdu."""
    client.force_login(scene.worker.user)
    late_utc = dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.UTC)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: late_utc)
        html = client.get("/hours/").content.decode()
    assert 'name="date" value="2026-12-04"' in html


def test_select_all_is_offered_on_both_queues(client, scene):
    ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED)
    ServiceLogFactory(project=scene.project, worker=scene.worker2, status=APPROVED)
    client.force_login(scene.org_admin)
    approve = client.get("/hours/approve/").content.decode()
    client.force_login(scene.staff)
    confirm = client.get("/hours/confirm/").content.decode()
    for html in (approve, confirm):
        assert 'data-select-all="ids"' in html and "js/select-all" in html
        assert "全选本页 1 条记录" in html


def test_a_number_past_any_id_is_an_invalid_choice_not_a_server_error(client, scene):
    ServiceLogFactory(project=scene.project, worker=scene.worker, status=SUBMITTED)
    client.force_login(scene.org_admin)
    response = client.get("/en/hours/approve/", {"project": "9" * 30, "worker": "-1"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"project", "worker"}


def test_issued_service_records_are_dated_in_chinese(client, scene):
    ServiceLogFactory(project=scene.project, worker=scene.worker)
    services.service_record_issue(worker=scene.worker)
    client.force_login(scene.worker.user)
    html = client.get("/hours/record/").content.decode()
    today = timezone.localdate()
    assert f" · {today.year}年{today.month}月{today.day}日 · " in html
