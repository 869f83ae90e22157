"""Platform staff assign a need's review panel through the web page (the counterpart of
``POST needs/{id}/panel/``), with a confirmation step; nobody else may open it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bidding.models import PanelReviewer, ProposalScore
from tests.bidding.conftest import pass_deadline
from tests.bidding.test_pages import _no_mfa, signed_in  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db


def test_staff_assign_a_panel_after_confirming_and_the_reviewers_see_it_in_their_reviews(world, make_need):
    need = make_need()
    pass_deadline(need)
    chosen, other = world.reviewers[:2], world.reviewers[2]
    client = signed_in(world.platform)

    page = client.get(f"/needs/{need.pk}/panel/")
    assert page.status_code == 200
    for reviewer in world.reviewers:
        assert f'value="{reviewer.pk}"' in page.content.decode()

    preview = client.post(f"/needs/{need.pk}/panel/", {"reviewers": [u.pk for u in chosen]})
    assert preview.status_code == 200
    assert 'name="confirm" value="yes"' in preview.content.decode()
    assert not PanelReviewer.objects.filter(need=need).exists(), "nothing is saved before confirming"

    saved = client.post(f"/needs/{need.pk}/panel/", {"reviewers": [u.pk for u in chosen], "confirm": "yes"})
    assert saved.status_code == 302 and saved.url == f"/needs/{need.pk}/panel/"
    assert set(PanelReviewer.objects.filter(need=need).values_list("reviewer_id", flat=True)) == {u.pk for u in chosen}
    for reviewer in chosen:
        assert need.title in signed_in(reviewer).get("/reviews/").content.decode()
    assert need.title not in signed_in(other).get("/reviews/").content.decode()


def test_changing_the_panel_lists_who_is_added_and_removed_before_saving(world, make_need):
    need = make_need()
    kept, removed, added = world.reviewers[:3]
    for reviewer in (kept, removed):
        PanelReviewer.objects.create(need=need, reviewer=reviewer)
    preview = signed_in(world.platform).post(f"/en/needs/{need.pk}/panel/", {"reviewers": [kept.pk, added.pk]})
    html = preview.content.decode()
    assert f"Add: {added}" in html and f"Remove: {removed}" in html and f"Keep: {kept}" in html
    assert set(need.panel.values_list("reviewer_id", flat=True)) == {kept.pk, removed.pk}


def test_the_page_shows_each_reviewers_declaration_state(world, make_need):
    need = make_need()
    pending, declared, recused = world.reviewers[:3]
    PanelReviewer.objects.create(need=need, reviewer=pending)
    PanelReviewer.objects.create(need=need, reviewer=declared, declared_at=timezone.now())
    PanelReviewer.objects.create(
        need=need,
        reviewer=recused,
        declared_at=timezone.now(),
        recused=True,
        recused_reason="Member of the community, now or within the look-back period.",
    )
    html = signed_in(world.platform).get(f"/en/needs/{need.pk}/panel/").content.decode()
    assert f'data-seat="{pending.pk}" data-state="pending"' in html
    assert f'data-seat="{declared.pk}" data-state="declared"' in html
    assert f'data-seat="{recused.pk}" data-state="recused"' in html
    assert "Declaration pending" in html and "Declared no conflict" in html
    assert "Member of the community, now or within the look-back period." in html


def test_someone_outside_the_reviewer_pool_is_refused_next_to_the_field(world, make_need):
    need = make_need()
    response = signed_in(world.platform).post(
        f"/en/needs/{need.pk}/panel/", {"reviewers": [world.outsider.pk], "confirm": "yes"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="reviewers-errors"' in html and "is not in the reviewer pool" in html
    assert not PanelReviewer.objects.filter(need=need).exists()


def test_a_reviewer_who_scored_cannot_be_removed_and_the_page_says_why(world, make_need, make_bid):
    need = make_need()
    bid = make_bid(need, world.a)
    scorer, other = world.reviewers[:2]
    PanelReviewer.objects.create(need=need, reviewer=scorer, declared_at=timezone.now())
    PanelReviewer.objects.create(need=need, reviewer=other)
    pass_deadline(need)
    need.status = "evaluating"
    need.save(update_fields=["status"])
    ProposalScore.objects.create(proposal=bid, reviewer=scorer, scores={}, weighted_total=50)
    response = signed_in(world.platform).post(
        f"/en/needs/{need.pk}/panel/", {"reviewers": [other.pk], "confirm": "yes"}
    )
    assert "A reviewer who already scored cannot leave the panel." in response.content.decode()
    assert need.panel.filter(reviewer=scorer).exists()


def test_nobody_but_platform_staff_opens_or_posts_the_panel_page(world, make_need):
    need = make_need()
    url = f"/needs/{need.pk}/panel/"
    for user in (world.staff, world.a.admin, world.reviewers[0], world.outsider):
        client = signed_in(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reviewers": [world.reviewers[0].pk], "confirm": "yes"}).status_code == 404
        assert client.get("/needs/panels/").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert not PanelReviewer.objects.filter(need=need).exists()


def test_the_need_page_and_the_workspace_link_platform_staff_to_panels(world, make_need):
    need = make_need()
    panel_url = f"/needs/{need.pk}/panel/"
    assert panel_url in signed_in(world.platform).get(f"/needs/{need.pk}/").content.decode()
    assert panel_url not in signed_in(world.staff).get(f"/needs/{need.pk}/").content.decode()
    assert 'href="/needs/panels/"' in signed_in(world.platform).get("/workspace/").content.decode()
    index = signed_in(world.platform).get("/needs/panels/").content.decode()
    assert panel_url in index and need.title in index


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_panel_pages_query_count_does_not_grow_with_reviewers_or_needs(world, make_need, make_user):
    client = signed_in(world.platform)
    need = make_need()
    PanelReviewer.objects.create(need=need, reviewer=world.reviewers[0])
    make_need()
    small_panel, small_index = _queries(client, f"/needs/{need.pk}/panel/"), _queries(client, "/needs/panels/")

    for reviewer in [*world.reviewers[1:], *(make_user("reviewer") for _ in range(6))]:
        PanelReviewer.objects.create(need=need, reviewer=reviewer, declared_at=timezone.now())
    for _ in range(5):
        make_need()
    assert _queries(client, f"/needs/{need.pk}/panel/") == small_panel
    assert _queries(client, "/needs/panels/") == small_index
