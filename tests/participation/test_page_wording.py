"""Suggestion pages read in Chinese as the rest of the site: a suggestion nobody has commented on
says so in a paragraph (not as comment number 1 of an ordered list), and the category select asks
"请选择类别" rather than showing Django's "---------"."""

import pytest

pytestmark = pytest.mark.django_db


def test_no_comment_yet_is_a_paragraph_not_a_list_item(client, people):
    client.force_login(people.resident2)
    html = client.get(f"/suggestions/{people.suggestion.pk}/").content.decode()
    assert '<p class="empty">暂无评论。</p>' in html
    assert '<ol class="comments">' not in html
    assert 'name="text"' in html  # the comment form


def test_new_suggestion_category_asks_to_choose(client, people):
    client.force_login(people.resident)
    html = client.get("/suggestions/new/").content.decode()
    assert '<option value="" selected>请选择类别</option>' in html
    assert "---------" not in html
