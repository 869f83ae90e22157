"""``suggestions/``: submit, list, support (#21)."""

from __future__ import annotations

import pytest

from apps.participation.models import Suggestion, SuggestionSupport
from tests.factories.participation import SuggestionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/suggestions/"


def payload(place, **overrides):
    return {
        "community": place.code,
        "title": "增设社区长者食堂",
        "description": "独居老人午餐没有着落，建议开办长者食堂。",
        "category": "elderly",
    } | overrides


def test_a_resident_submits_a_suggestion_of_their_community(api, city, people):
    response = api.as_user(people.resident).post(URL, payload(city.community), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["community"] == city.community.code
    assert body["supports_count"] == 0 and body["comments_count"] == 0
    assert Suggestion.objects.get(pk=body["id"]).author == people.resident


@pytest.mark.parametrize("who", ["other_resident", "staff", "outsider"])
def test_only_a_resident_of_the_community_submits(api, city, people, who):
    response = api.as_user(getattr(people, who)).post(URL, payload(city.community), format="json")
    assert response.status_code == 403
    assert "玉林东路社区" in response.json()["detail"]


def test_submitting_needs_a_sign_in(api, city):
    assert api.post(URL, payload(city.community), format="json").status_code in (401, 403)


def test_a_5000_character_description_is_a_clear_400(api, city, people):
    response = api.as_user(people.resident).post(URL, payload(city.community, description="长" * 5000), format="json")
    assert response.status_code == 400
    assert "description" in response.json()
    assert not Suggestion.objects.filter(title="增设社区长者食堂").exists()


def test_an_unknown_community_or_category_is_a_400_on_its_field(api, city, people):
    response = api.as_user(people.resident).post(
        URL, payload(city.community, community="999999999999", category="nope"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"community", "category"}


def test_the_list_is_public_with_counts_and_filters(api, city, people):
    SuggestionSupport.objects.create(suggestion=people.suggestion, user=people.resident2)
    SuggestionSupport.objects.create(suggestion=people.suggestion, user=people.resident3)
    people.suggestion.comments.create(author=people.resident2, text="支持")
    SuggestionFactory(community=city.other_community, author=people.other_resident, title="望江楼的提议")
    SuggestionFactory(community=city.community, author=people.resident, status=Suggestion.Status.DECLINED)

    body = api.get(f"{URL}?community={city.community.code}&status=open").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == people.suggestion.pk
    assert row["supports_count"] == 2 and row["comments_count"] == 1
    assert api.get(f"{URL}?community={city.community.pk}").json()["count"] == 2
    assert api.get(f"{URL}?community={city.street.code}").json()["count"] == 2
    assert api.get(URL).json()["count"] == 3
    assert api.get(f"{URL}?status=bogus").status_code == 400


def test_the_list_makes_the_same_queries_for_more_rows(api, city, people, django_assert_max_num_queries):
    for _ in range(3):
        SuggestionFactory(community=city.community, author=people.resident)
    with django_assert_max_num_queries(4):
        assert api.get(URL).status_code == 200
    for _ in range(6):
        SuggestionFactory(community=city.community, author=people.resident)
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 10


def test_a_resident_supports_once_and_withdraws(api, people):
    client = api.as_user(people.resident2)
    url = f"{URL}{people.suggestion.pk}/support/"
    first = client.post(url)
    assert first.status_code == 201
    assert first.json()["supports_count"] == 1 and first.json()["supported"] is True
    second = client.post(url)
    assert second.status_code == 409
    assert second.json()["detail"] == "您已经支持过这条建议。"
    assert SuggestionSupport.objects.filter(suggestion=people.suggestion).count() == 1
    withdrawn = client.delete(url)
    assert withdrawn.status_code == 200 and withdrawn.json()["supports_count"] == 0
    again = client.delete(url)
    assert again.status_code == 409 and "尚未支持" in again.json()["detail"]


def test_supporting_another_communitys_suggestion_is_refused_with_a_message(api, people):
    response = api.as_user(people.other_resident).post(f"{URL}{people.suggestion.pk}/support/")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有玉林东路社区的居民才能支持该社区的建议。"
    assert not SuggestionSupport.objects.exists()


def test_the_refusal_is_in_the_readers_language(api, people):
    response = api.as_user(people.other_resident).post(
        f"{URL}{people.suggestion.pk}/support/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only residents of 玉林东路社区 may support its suggestions."


def test_staff_may_not_support_and_an_answered_suggestion_takes_no_support(api, people):
    assert api.as_user(people.staff).post(f"{URL}{people.suggestion.pk}/support/").status_code == 403
    people.suggestion.status = Suggestion.Status.DECLINED
    people.suggestion.save()
    assert api.as_user(people.resident2).post(f"{URL}{people.suggestion.pk}/support/").status_code == 409


def test_a_missing_suggestion_is_404(api, people):
    assert api.get(f"{URL}999999/").status_code == 404
    assert api.as_user(people.resident).post(f"{URL}999999/support/").status_code == 404


def test_the_detail_is_public(api, people):
    body = api.get(f"{URL}{people.suggestion.pk}/").json()
    assert body["title"] == people.suggestion.title and body["supported"] is False
