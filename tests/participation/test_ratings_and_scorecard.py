"""Rating by the people served: supporters of the suggestion behind a need rate each accepted
milestone of its project; the project's page shows mean and count; the scorecard counts them
as ``residents`` (#21)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.services import policy_update
from apps.participation.models import ResidentRating, SuggestionSupport
from apps.projects.models import Milestone
from apps.projects.services import milestone_accept, milestone_submit
from apps.stats.scorecard import scorecards
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(city, people, organization, make_user):
    project = make_project(community=city.community, organization=organization, percents=(50, 50))
    people.suggestion.need = project.need
    people.suggestion.status = "adopted"
    people.suggestion.save()
    for user in (people.resident2, people.resident3):
        SuggestionSupport.objects.create(suggestion=people.suggestion, user=user)
    first, second = project.milestones.order_by("position")
    org_admin = make_user("org_admin", organization=organization)
    milestone_submit(actor=org_admin, milestone=first, report="完成")
    milestone_accept(actor=people.staff, milestone=first)
    first.refresh_from_db()
    return project, first, second


def url(project):
    return f"/api/v1/projects/{project.pk}/resident-ratings/"


def test_supporters_rate_an_accepted_milestone_once(api, people, served):
    project, first, second = served
    client = api.as_user(people.resident2)
    response = client.post(url(project), {"milestone": first.pk, "rating": 4, "comment": "很用心"}, format="json")
    assert response.status_code == 201, response.json()
    again = client.post(url(project), {"milestone": first.pk, "rating": 5}, format="json")
    assert again.status_code == 409 and "已经评价" in again.json()["detail"]
    assert api.as_user(people.resident3).post(url(project), {"milestone": first.pk, "rating": 5}).status_code == 201
    assert api.get(url(project)).json() == {"mean": "4.5", "count": 2}


def test_a_pending_milestone_is_not_rated_yet(api, people, served):
    project, _first, second = served
    response = api.as_user(people.resident2).post(url(project), {"milestone": second.pk, "rating": 3}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("who", ["resident", "other_resident", "staff", "outsider"])
def test_only_supporters_rate(api, people, served, who):
    # the author who did not support it, another community's resident, staff, anyone else
    project, first, _second = served
    response = api.as_user(getattr(people, who)).post(url(project), {"milestone": first.pk, "rating": 3})
    assert response.status_code == 403
    assert not ResidentRating.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, "很好"])
def test_a_rating_outside_1_to_5_is_a_400(api, people, served, rating):
    project, first, _second = served
    response = api.as_user(people.resident2).post(
        url(project), {"milestone": first.pk, "rating": rating}, format="json"
    )
    assert response.status_code == 400 and "rating" in response.json()


def test_another_projects_milestone_is_a_400(api, city, people, served, organization):
    project, _first, _second = served
    other = make_project(community=city.community, organization=organization).milestones.first()
    response = api.as_user(people.resident2).post(url(project), {"milestone": other.pk, "rating": 3}, format="json")
    assert response.status_code == 400 and "milestone" in response.json()


def test_the_project_page_shows_the_mean_and_count_and_the_form_to_supporters(client, people, served):
    project, first, _second = served
    ResidentRating.objects.create(milestone=first, user=people.resident3, rating=5)
    client.force_login(people.resident2)
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Mean 5.0 of 5 from 1 resident rating" in page
    assert f'action="/en/projects/{project.pk}/resident-rating/{first.pk}/"' in page or "resident-rating" in page
    response = client.post(f"/projects/{project.pk}/resident-rating/{first.pk}/", {"rating": "2", "comment": "一般"})
    assert response.status_code == 302
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Mean 3.5 of 5 from 2 resident ratings" in page
    assert "resident-rating/" not in page  # rated: no form any more
    client.force_login(people.outsider)
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Mean 3.5 of 5" in page and "resident-rating/" not in page


def test_the_scorecard_counts_the_residents_ratings_with_their_weight(city, people, served, make_user):
    project, first, _second = served
    ResidentRating.objects.create(milestone=first, user=people.resident2, rating=5)
    ResidentRating.objects.create(milestone=first, user=people.resident3, rating=4)
    today = timezone.localdate()
    card = scorecards(region=city.street, date_from=today.replace(day=1), date_to=today, kind="community")
    [yulin] = [r for r in card["results"] if r["id"] == city.community.pk]
    residents = {c["component"]: c for c in yulin["components"]}["residents"]
    assert residents["raw"] == {"ratings": 2, "mean_rating": "4.50"}
    assert residents["weight"] == "0.00" and residents["contribution"] in ("0.00", None)

    policy_update(
        actor=make_user("platform_staff"),
        changes={"scorecard_weight_rating": 20, "scorecard_weight_residents": 10},
    )
    card = scorecards(region=city.street, date_from=today.replace(day=1), date_to=today, kind="community")
    [yulin] = [r for r in card["results"] if r["id"] == city.community.pk]
    components = {c["component"]: c for c in yulin["components"]}
    residents = components["residents"]
    assert residents["included"] and residents["score"] == "87.5"
    included = sum(Decimal(c["weight"]) for c in components.values() if c["included"])
    assert residents["contribution"] == str((Decimal("87.5") * 10 / included).quantize(Decimal("0.01")))
    organization_card = scorecards(
        region=city.street, date_from=today.replace(day=1), date_to=today, kind="organization"
    )
    [org] = [r for r in organization_card["results"] if r["id"] == project.organization_id]
    assert {c["component"]: c for c in org["components"]}["residents"]["raw"]["ratings"] == 2
    assert Milestone.objects.filter(pk=first.pk, status="accepted").exists()
