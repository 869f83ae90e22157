"""Community staff's list of their community's projects (#20): status, organization, next
milestone and the money paid and still to pay; the workspace's “milestones to accept” opens it
narrowed to the projects with a report awaiting acceptance."""

from __future__ import annotations

import pytest

from apps.projects.models import Milestone
from tests.factories.core import OrganizationFactory
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db

URL = "/projects/mine/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


@pytest.fixture
def staff_client(client, city, make_user):
    client.force_login(make_user("community_staff", community=city.community))
    return client


def _accept_first(project) -> None:
    first = project.milestones.order_by("position").first()
    Milestone.objects.filter(pk=first.pk).update(status="accepted", paid_amount=first.amount)


def _submit_next(project) -> Milestone:
    milestone = project.milestones.exclude(status="accepted").order_by("position").first()
    Milestone.objects.filter(pk=milestone.pk).update(status="submitted")
    return milestone


def test_the_list_shows_each_project_with_its_next_milestone_and_money(staff_client, city, organization):
    project = make_project(community=city.community, organization=organization, title="玉林长者关爱项目")
    _accept_first(project)  # 30% of ¥100,000.00 paid
    nxt = project.milestones.exclude(status="accepted").order_by("position").first()
    other = make_project(community=city.other_community, organization=organization, title="望江楼助餐项目")

    html = staff_client.get(URL).content.decode()
    assert "我社区的项目" in html
    assert project.title in html and other.title not in html
    assert organization.name in html and '<span class="status active">有效</span>' in html
    assert nxt.title in html and f"截止 {nxt.due_date.year}年{nxt.due_date.month}月{nxt.due_date.day}日" in html
    assert "¥30,000.00" in html and "¥70,000.00" in html
    assert "Next milestone" not in html and ">active<" not in html


def test_the_workspace_card_opens_the_projects_awaiting_acceptance(staff_client, city, organization):
    waiting = make_project(community=city.community, organization=organization, title="待验收项目")
    quiet = make_project(community=city.community, organization=organization, title="进行中项目")
    _submit_next(waiting)

    workspace = staff_client.get("/workspace/").content.decode()
    link = f"{URL}?milestones=submitted"
    assert f'<li data-count="milestones_to_accept"><a href="{link}"><strong class="count">1</strong>' in workspace

    html = staff_client.get(link).content.decode()
    assert "待验收的节点" in html
    assert waiting.title in html and quiet.title not in html
    assert "审阅并验收" in html


def test_the_list_is_english_under_en(staff_client, city, organization):
    make_project(community=city.community, organization=organization)
    html = staff_client.get(f"/en{URL}").content.decode()
    assert "My community's projects" in html and "Next milestone" in html and "Still to pay" in html
    assert "我社区的项目" not in html


def test_someone_not_community_staff_is_told_they_may_not_see_it(client, make_user, organization):
    client.force_login(make_user("org_admin", organization=organization))
    response = client.get(URL)
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode() and "无权操作" in response.content.decode()


def test_the_list_reads_in_a_bounded_number_of_queries(staff_client, city, django_assert_max_num_queries):
    for _ in range(2):
        project = make_project(community=city.community, organization=OrganizationFactory(region=city.district))
        _accept_first(project)
    url = URL
    with django_assert_max_num_queries(8):
        assert staff_client.get(url).status_code == 200
    for _ in range(6):
        project = make_project(community=city.community, organization=OrganizationFactory(region=city.district))
        _submit_next(project)
    with django_assert_max_num_queries(8):
        html = staff_client.get(url).content.decode()
    assert html.count('class="card-title"') == 8
