"""After scoring, the review sheet shows the reviewer what they gave each criterion, also once
scoring has closed and the form is gone (#20)."""

import pytest
from django.test import Client

from apps.bidding.jobs import close_deadlines
from apps.bidding.models import Need, PanelReviewer
from tests.bidding.conftest import pass_deadline

pytestmark = pytest.mark.django_db

SCORES = {"need_fit": 91, "approach": 82, "team": 73, "budget": 64, "track_record": 55}


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def _scored_sheet(world, make_need, make_bid):
    need = make_need()
    bid = make_bid(need, world.a)
    reviewer = world.reviewers[0]
    PanelReviewer.objects.create(need=need, reviewer=reviewer)
    pass_deadline(need)
    close_deadlines()
    client = Client()
    client.force_login(reviewer)
    client.post(f"/reviews/{need.pk}/", {"note": ""})
    client.post(f"/reviews/{need.pk}/", {"proposal": bid.pk, **SCORES, "comment": "团队经验充足"})
    return need, client


def _given(html: str) -> str:
    start = html.index('<dl class="given-scores">')
    return html[start : html.index("</dl>", start)]


def test_the_sheet_lists_each_criterion_with_the_score_given(world, make_need, make_bid):
    need, client = _scored_sheet(world, make_need, make_bid)
    given = _given(client.get(f"/reviews/{need.pk}/").content.decode())
    for label, score in (("需求契合度", 91), ("服务方案", 82), ("团队能力", 73), ("预算合理性", 64), ("过往绩效", 55)):
        assert f"<dt>{label} (" in given and f"<dd>{score}</dd>" in given
    assert "团队经验充足" in given
    english = _given(client.get(f"/en/reviews/{need.pk}/").content.decode())
    assert "<dt>Fit to the need (25%)</dt><dd>91</dd>" in english


def test_the_scores_stay_on_the_sheet_once_scoring_has_closed(world, make_need, make_bid):
    need, client = _scored_sheet(world, make_need, make_bid)
    Need.objects.filter(pk=need.pk).update(status=Need.Status.NOTICE)
    html = client.get(f"/reviews/{need.pk}/").content.decode()
    assert 'name="need_fit"' not in html  # no form any more
    assert "<dd>91</dd>" in _given(html) and "<dd>55</dd>" in _given(html)
