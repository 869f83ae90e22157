"""``suggestions/{id}/comments/``: the discussion of a suggestion (#21)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.participation.models import SuggestionComment
from apps.participation.services import COMMENTS_PER_WINDOW

pytestmark = pytest.mark.django_db


def url(people, *rest):
    return "/api/v1/suggestions/" + "/".join([str(people.suggestion.pk), "comments", *map(str, rest)]) + "/"


@pytest.mark.parametrize("who", ["resident", "resident2", "staff", "grid", "officer"])
def test_the_communitys_parties_read_and_write(api, people, who):
    client = api.as_user(getattr(people, who))
    response = client.post(url(people), {"text": "我也支持"}, format="json")
    assert response.status_code == 201, response.json()
    assert client.get(url(people)).json()[0]["text"] == "我也支持"


@pytest.mark.parametrize("who", ["other_resident", "other_staff", "outsider"])
def test_others_are_refused_with_a_message(api, people, who):
    client = api.as_user(getattr(people, who))
    response = client.post(url(people), {"text": "路过"}, format="json")
    assert response.status_code == 403 and "玉林东路社区" in response.json()["detail"]
    assert client.get(url(people)).status_code == 403
    assert not SuggestionComment.objects.exists()


def test_anonymous_readers_must_sign_in(api, people):
    assert api.get(url(people)).status_code in (401, 403)


def test_replies_go_one_level_deep(api, people):
    client = api.as_user(people.resident)
    top = client.post(url(people), {"text": "第一条"}, format="json").json()
    reply = client.post(url(people), {"text": "回复", "parent": top["id"]}, format="json")
    assert reply.status_code == 201 and reply.json()["parent"] == top["id"]
    deeper = client.post(url(people), {"text": "再回复", "parent": reply.json()["id"]}, format="json")
    assert deeper.status_code == 400 and "一层" in deeper.json()["parent"][0]
    listed = client.get(url(people)).json()
    assert [c["text"] for c in listed] == ["第一条", "回复"]


def test_a_reply_to_another_suggestions_comment_is_refused(api, city, people):
    other = people.suggestion.__class__.objects.create(
        community=city.community,
        author=people.resident,
        title="另一条",
        description="内容",
        category=people.suggestion.category,
    )
    foreign = SuggestionComment.objects.create(suggestion=other, author=people.resident, text="别处")
    response = api.as_user(people.resident).post(url(people), {"text": "回复", "parent": foreign.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_empty_and_too_long_comments_are_400(api, people):
    client = api.as_user(people.resident)
    assert client.post(url(people), {"text": "  "}, format="json").status_code == 400
    assert client.post(url(people), {"text": "长" * 1001}, format="json").status_code == 400


def test_comments_are_rate_limited_per_person(api, people):
    client = api.as_user(people.resident)
    for i in range(COMMENTS_PER_WINDOW):
        assert client.post(url(people), {"text": f"第{i}条"}, format="json").status_code == 201
    refused = client.post(url(people), {"text": "太快了"}, format="json")
    assert refused.status_code == 429 and "频繁" in refused.json()["detail"]
    # another person is not held back
    assert api.as_user(people.resident2).post(url(people), {"text": "我的"}, format="json").status_code == 201
    # and the limit lifts after the window
    SuggestionComment.objects.filter(author=people.resident).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert client.post(url(people), {"text": "过了一会儿"}, format="json").status_code == 201


def test_staff_hide_a_comment_with_a_reason(api, people):
    comment = SuggestionComment.objects.create(
        suggestion=people.suggestion, author=people.resident2, text="电话138xxxx"
    )
    hide = f"{url(people, comment.pk)}hide/"
    assert api.as_user(people.staff).post(hide, {}, format="json").status_code == 400
    assert api.as_user(people.resident).post(hide, {"reason": "不喜欢"}, format="json").status_code == 403
    assert api.as_user(people.other_staff).post(hide, {"reason": "不喜欢"}, format="json").status_code == 404
    response = api.as_user(people.staff).post(hide, {"reason": "含有个人联系方式"}, format="json")
    assert response.status_code == 200
    assert response.json()["hidden"] is True
    assert api.as_user(people.staff).post(hide, {"reason": "再隐藏"}, format="json").status_code == 409
    [shown] = api.as_user(people.resident).get(url(people), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert shown["text"] == "已隐藏" and shown["hidden_reason"] == "含有个人联系方式"
    assert "138" not in str(shown)
