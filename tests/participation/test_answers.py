"""The community's staff answer a suggestion (adopt into a draft need, decline with a reason),
and its author and supporters hear what became of the need (#21)."""

from __future__ import annotations

import pytest

from apps.bidding.models import Need
from apps.bidding.services import need_publish
from apps.notifications.models import Notification
from apps.participation.models import Suggestion, SuggestionSupport, SupporterNotice
from apps.projects.services import milestone_accept, milestone_submit
from tests.factories.projects import make_project
from tests.participation.conftest import need_terms

pytestmark = pytest.mark.django_db


def adopt_url(people):
    return f"/api/v1/suggestions/{people.suggestion.pk}/adopt/"


def test_staff_adopt_a_suggestion_into_a_draft_need_linked_to_it(api, people, today, days):
    response = api.as_user(people.staff).post(adopt_url(people), need_terms(today, days), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "adopted" and body["need"]
    need = Need.objects.get(pk=body["need"])
    assert need.status == Need.Status.DRAFT and need.community == people.suggestion.community
    assert need.title == people.suggestion.title and need.category == people.suggestion.category
    assert need.suggestion == people.suggestion
    assert Notification.objects.filter(user=people.resident, kind="participation.suggestion").exists()


def test_adopting_keeps_the_needs_own_rules(api, people, today, days):
    terms = need_terms(today, days, budget_min="90000.00", budget_max="10000.00")
    response = api.as_user(people.staff).post(adopt_url(people), terms, format="json")
    assert response.status_code == 400 and "budget_max" in response.json() or "budget_min" in response.json()
    people.suggestion.refresh_from_db()
    assert people.suggestion.status == Suggestion.Status.OPEN and people.suggestion.need is None


@pytest.mark.parametrize("who,code", [("other_staff", 403), ("resident", 403), ("officer", 403)])
def test_only_the_communitys_staff_answer(api, people, today, days, who, code):
    client = api.as_user(getattr(people, who))
    assert client.post(adopt_url(people), need_terms(today, days), format="json").status_code == code
    decline = client.post(f"/api/v1/suggestions/{people.suggestion.pk}/decline/", {"reason": "经费不足，无法开展。"})
    assert decline.status_code == code
    assert "玉林东路社区" in decline.json()["detail"]


def test_a_suggestion_is_answered_once(api, people, today, days):
    client = api.as_user(people.staff)
    assert client.post(adopt_url(people), need_terms(today, days), format="json").status_code == 201
    assert client.post(adopt_url(people), need_terms(today, days), format="json").status_code == 409
    decline = client.post(
        f"/api/v1/suggestions/{people.suggestion.pk}/decline/", {"reason": "已经采纳过了，不能再拒绝。"}
    )
    assert decline.status_code == 409


def test_decline_needs_a_public_reason(api, people):
    client = api.as_user(people.staff)
    url = f"/api/v1/suggestions/{people.suggestion.pk}/decline/"
    assert client.post(url, {}, format="json").status_code == 400
    short = client.post(url, {"reason": "不行"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    done = client.post(url, {"reason": "此事属于物业管理范围，已转交物业公司处理。"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "declined"
    public = api.get(f"/api/v1/suggestions/{people.suggestion.pk}/").json()
    assert public["decline_reason"] == "此事属于物业管理范围，已转交物业公司处理。"


def test_supporters_hear_when_the_need_is_published_awarded_and_delivered(
    api, city, people, organization, make_user, today, days
):
    SuggestionSupport.objects.create(suggestion=people.suggestion, user=people.resident2)
    client = api.as_user(people.staff)
    need_id = client.post(adopt_url(people), need_terms(today, days), format="json").json()["need"]
    need = Need.objects.get(pk=need_id)
    need_publish(actor=people.staff, need=need)

    def kinds(user):
        return list(Notification.objects.filter(user=user, kind="participation.need").values_list("title", flat=True))

    assert len(kinds(people.resident2)) == 1 and "开始招标" in kinds(people.resident2)[0]
    assert len(kinds(people.resident)) == 1  # the author too
    assert not kinds(people.resident3)  # not a supporter

    # The award and the delivery: a project on a need the suggestion became.
    project = make_project(community=city.community, organization=organization, percents=(50, 50))
    people.suggestion.need = project.need
    people.suggestion.save()
    project.need.status = Need.Status.EVALUATING
    project.need.save(update_fields=["status"])
    project.need.status = Need.Status.AWARDED
    project.need.save(update_fields=["status"])
    project.need.save(update_fields=["status"])  # saved again: told once
    assert sum("中标" in t for t in kinds(people.resident2)) == 1

    org_admin = make_user("org_admin", organization=organization)
    for milestone in project.milestones.order_by("position"):
        milestone_submit(actor=org_admin, milestone=milestone, report="完成")
        milestone_accept(actor=people.staff, milestone=milestone)
    titles = kinds(people.resident2)
    assert sum("阶段已验收" in t for t in titles) == 2
    assert sum("服务已完成" in t for t in titles) == 1
    assert SupporterNotice.objects.filter(suggestion=people.suggestion).count() == 5
