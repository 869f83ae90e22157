"""The residents' pages: sign-up as a resident, the workspace, the suggestion pages, the staff's
answers (#21)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership, Role, User
from apps.bidding.models import Need
from apps.participation.models import Suggestion, SuggestionComment, SuggestionSupport
from tests.factories.bidding import NeedFactory
from tests.factories.participation import SuggestionFactory
from tests.participation.conftest import need_terms

pytestmark = pytest.mark.django_db


def zh(client, path, **kwargs):
    return client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", **kwargs)


def test_sign_up_choosing_street_and_community_makes_a_resident(client, city):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="street"' in page and 'name="community"' in page
    assert f'<optgroup label="{city.street.name}">' in page
    response = client.post(
        "/accounts/signup/",
        {
            "email": "li@example.test",
            "username": "li_resident",
            "password1": "Yulin-resident-2026",
            "password2": "Yulin-resident-2026",
            "street": city.street.pk,
            "community": city.community.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="li_resident")
    assert Membership.objects.get(user=user).role == Role.RESIDENT
    assert Membership.objects.get(user=user).community == city.community


def test_a_community_outside_the_chosen_street_is_refused(client, city):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "wang@example.test",
            "username": "wang",
            "password1": "Yulin-resident-2026",
            "password2": "Yulin-resident-2026",
            "street": city.street.pk,
            "community": city.other_community.pk,
        },
    )
    assert response.status_code == 200
    assert "not in the street you chose" in response.content.decode()
    assert not User.objects.filter(username="wang").exists()


def test_sign_up_without_a_community_makes_no_membership(client, city):
    client.post(
        "/accounts/signup/",
        {
            "email": "org@example.test",
            "username": "org_person",
            "password1": "Yulin-resident-2026",
            "password2": "Yulin-resident-2026",
        },
    )
    assert not Membership.objects.filter(user__username="org_person").exists()


def test_create_account_makes_a_resident(city):
    out = io.StringIO()
    call_command(
        "create_account",
        "zhang",
        "--password",
        "pw-zhang-2026",
        "--role",
        "resident",
        "--community",
        city.community.code,
        stdout=out,
    )
    assert Membership.objects.get(user__username="zhang").role == Role.RESIDENT
    assert "玉林东路社区" in out.getvalue()


def test_a_resident_has_a_workspace_with_their_cards(client, people, city, today, days):
    SuggestionSupport.objects.create(suggestion=people.suggestion, user=people.resident2)
    client.force_login(people.resident2)
    page = zh(client, "/workspace/").content.decode()
    assert "居民" in page and 'data-count="my_supports"' in page
    assert "提出建议" in page or "Make a suggestion" in page
    mine = zh(client, "/suggestions/mine/")
    assert mine.status_code == 200 and people.suggestion.title in mine.content.decode()


def test_a_need_followed_with_the_button_is_among_the_residents_followed_needs(client, people, city):
    need = NeedFactory(community=city.community, status=Need.Status.PUBLISHED, title="楼道照明改造")
    client.force_login(people.resident2)
    assert "楼道照明改造" not in zh(client, "/suggestions/mine/").content.decode()
    assert client.post(f"/api/v1/needs/{need.pk}/follow/").status_code in (200, 201)
    assert "楼道照明改造" in zh(client, "/suggestions/mine/").content.decode()
    page = zh(client, "/workspace/").content.decode()
    assert 'data-count="followed_needs"' in page


def test_the_list_page_is_public_and_a_resident_sees_their_community_first(client, city, people):
    SuggestionFactory(community=city.other_community, author=people.other_resident, title="周末开放图书角")
    page = zh(client, "/suggestions/").content.decode()
    assert people.suggestion.title in page and "周末开放图书角" in page
    client.force_login(people.resident)
    page = zh(client, "/suggestions/").content.decode()
    assert people.suggestion.title in page and "周末开放图书角" not in page
    assert "/suggestions/new/" in page


def test_only_residents_open_the_new_suggestion_form(client, people):
    client.force_login(people.outsider)
    assert zh(client, "/suggestions/new/").status_code == 403
    client.force_login(people.resident)
    assert zh(client, "/suggestions/new/").status_code == 200


def test_a_too_long_description_keeps_what_was_typed(client, city, people):
    client.force_login(people.resident)
    response = client.post(
        "/en/suggestions/new/",
        {
            "community": city.community.pk,
            "title": "加装扶手",
            "category": people.suggestion.category.pk,
            "description": "长" * 5000,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "加装扶手" in page and "at most 4000 characters" in page
    ok = client.post(
        "/suggestions/new/",
        {
            "community": city.community.pk,
            "title": "加装扶手",
            "category": people.suggestion.category.pk,
            "description": "楼道太陡",
        },
    )
    assert ok.status_code == 302
    assert Suggestion.objects.filter(title="加装扶手", author=people.resident).exists()


def test_support_and_comment_from_the_detail_page(client, people):
    url = people.suggestion.get_absolute_url()
    client.force_login(people.resident2)
    page = zh(client, url).content.decode()
    assert "支持" in page and f"/suggestions/{people.suggestion.pk}/support/" in page
    client.post(f"/suggestions/{people.suggestion.pk}/support/")
    assert SuggestionSupport.objects.filter(user=people.resident2).exists()
    page = zh(client, url).content.decode()
    assert f"/suggestions/{people.suggestion.pk}/withdraw/" in page
    client.post(f"/suggestions/{people.suggestion.pk}/comment/", {"text": "我也觉得需要"})
    top = SuggestionComment.objects.get(text="我也觉得需要")
    client.post(f"/suggestions/{people.suggestion.pk}/comment/", {"text": "谢谢", "parent": top.pk})
    assert SuggestionComment.objects.get(text="谢谢").parent == top
    page = zh(client, url).content.decode()
    assert "我也觉得需要" in page and "谢谢" in page


def test_another_communitys_resident_sees_no_support_button_and_no_discussion(client, people):
    SuggestionComment.objects.create(suggestion=people.suggestion, author=people.resident, text="内部讨论")
    client.force_login(people.other_resident)
    page = zh(client, people.suggestion.get_absolute_url()).content.decode()
    assert "/support/" not in page and "内部讨论" not in page
    response = client.post(f"/suggestions/{people.suggestion.pk}/support/", follow=True)
    assert "玉林东路社区" in response.content.decode()
    assert not SuggestionSupport.objects.exists()


def test_staff_hide_a_comment_and_it_shows_hidden_with_the_reason(client, people):
    comment = SuggestionComment.objects.create(
        suggestion=people.suggestion, author=people.resident2, text="电话138xxxx"
    )
    client.force_login(people.staff)
    client.post(f"/suggestions/{people.suggestion.pk}/comments/{comment.pk}/hide/", {"reason": "含有个人联系方式"})
    client.force_login(people.resident)
    page = zh(client, people.suggestion.get_absolute_url()).content.decode()
    assert "已隐藏" in page and "含有个人联系方式" in page and "138xxxx" not in page


def test_staff_decline_with_a_reason_and_short_reasons_stay_on_the_page(client, people):
    client.force_login(people.staff)
    url = f"/suggestions/{people.suggestion.pk}/decline/"
    short = client.post(url, {"reason": "不行"})
    assert short.status_code == 400 and "不行" in short.content.decode()
    client.post(url, {"reason": "此事属于物业管理范围，已转交物业处理。"})
    people.suggestion.refresh_from_db()
    assert people.suggestion.status == Suggestion.Status.DECLINED
    client.logout()
    page = zh(client, people.suggestion.get_absolute_url()).content.decode()
    assert "此事属于物业管理范围" in page


def test_staff_adopt_from_the_page(client, people, today, days):
    client.force_login(people.resident)
    assert zh(client, f"/suggestions/{people.suggestion.pk}/adopt/").status_code == 403
    client.force_login(people.staff)
    form = zh(client, f"/suggestions/{people.suggestion.pk}/adopt/").content.decode()
    assert people.suggestion.title in form
    terms = need_terms(today, days)
    terms |= {
        "title": people.suggestion.title,
        "description": people.suggestion.description,
        "category": people.suggestion.category.pk,
        "bid_deadline": terms["bid_deadline"][:16].replace("T", " "),
        "fund": "",
    }
    response = client.post(f"/suggestions/{people.suggestion.pk}/adopt/", terms)
    assert response.status_code == 302, response.content.decode()[:2000]
    people.suggestion.refresh_from_db()
    assert people.suggestion.status == Suggestion.Status.ADOPTED
    assert Need.objects.get(pk=people.suggestion.need_id).status == Need.Status.DRAFT


def test_the_staff_queue_lists_suggestions_at_the_threshold(client, people):
    client.force_login(people.outsider)
    assert zh(client, "/suggestions/to-answer/").status_code == 403
    Suggestion.objects.filter(pk=people.suggestion.pk).update(threshold_reached_at="2026-01-01T00:00:00Z")
    client.force_login(people.staff)
    assert people.suggestion.title in zh(client, "/suggestions/to-answer/").content.decode()


def test_a_signed_in_person_registers_as_a_resident(client, city, people):
    client.force_login(people.outsider)
    page = zh(client, "/suggestions/").content.decode()
    assert "/suggestions/join/" in page
    assert zh(client, "/suggestions/join/").status_code == 200
    refused = client.post("/suggestions/join/", {"street": city.street.pk})
    assert refused.status_code == 400
    done = client.post("/suggestions/join/", {"street": city.street.pk, "community": city.community.pk})
    assert done.status_code == 302
    assert Membership.objects.get(user=people.outsider).role == Role.RESIDENT
    assert zh(client, "/suggestions/new/").status_code == 200


def test_the_list_page_makes_the_same_queries_for_more_rows(client, city, people):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert zh(client, "/suggestions/").status_code == 200
        return len(captured)

    client.force_login(people.resident)
    for _ in range(3):
        SuggestionFactory(community=city.community, author=people.resident)
    few = queries()
    for _ in range(6):
        SuggestionFactory(community=city.community, author=people.resident)
    assert queries() == few <= 12
