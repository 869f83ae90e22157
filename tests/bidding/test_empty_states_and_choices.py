"""Pages and forms of bidding read in Chinese as elsewhere: a bid without attachments says so in a
paragraph (not as a list item), and a select's empty choice reads "请选择…", not Django's
"---------"."""

import pytest
from django.utils import translation

from apps.bidding.forms import NeedForm, QuestionForm
from apps.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_bid_without_attachments_says_none_in_a_paragraph(client, world, make_need, make_bid):
    proposal = make_bid(make_need(), world.a)
    client.force_login(world.a.admin)
    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    after = html.split("<h2>附件</h2>", 1)[1]
    assert after.lstrip().startswith('<p class="empty">无</p>')
    assert '<li class="empty">' not in html


def test_need_forms_selects_ask_to_choose(world):
    with translation.override("zh-hans"):
        html = NeedForm(community=world.city.community).as_div()
    for empty in ("请选择社区基金", "请选择类别", "请选择社工等级"):
        assert f'<option value="" selected>{empty}</option>' in html
    assert "---------" not in html


def test_question_forms_organization_choice_asks_to_choose_one(world):
    organizations = Organization.objects.filter(pk__in=[world.a.org.pk, world.b.org.pk])
    with translation.override("zh-hans"):
        html = str(QuestionForm(organizations=organizations)["organization"])
    assert '<option value="" selected>请选择机构</option>' in html
    assert "---------" not in html
