"""Sealed bids: roles × phases × channels (API detail, API list, HTML page, CSV export).

The bidding organization always sees its bid; the need's community staff and the panel's
declared, non-recused reviewers only after the deadline; everyone else gets a 404 (or an
empty list/export) that never reveals the bid exists.
"""

import pytest
from django.test import Client

from apps.accounts.services import membership_add
from apps.bidding.jobs import close_deadlines
from apps.bidding.services import need_publish
from apps.core.models import Category
from apps.notifications.models import Notification
from tests.bidding.conftest import pass_deadline

pytestmark = pytest.mark.django_db

APPROACH = "入户探访、助餐、健康讲座。"


@pytest.fixture
def sealed(world, make_need, make_bid, api, settings):
    """A bid by A (and one by B) with a panel of: a declared reviewer, a recused one (member of
    B), and one who has not declared yet."""
    settings.SANSHE_ENFORCE_MFA = False
    need = make_need()
    bid = make_bid(need, world.a)
    make_bid(need, world.b)
    ok, recused, undeclared = world.reviewers[:3]
    membership_add(user=recused, role="org_member", organization=world.b.org)
    api.as_user(world.platform).post(
        f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [ok.pk, recused.pk, undeclared.pk]}, format="json"
    )
    for r in (ok, recused):
        assert (
            api.as_user(r)
            .post(f"/api/v1/needs/{need.pk}/declarations/", {"conflict": False}, format="json")
            .status_code
            == 201
        )
    roles = {
        "own_admin": world.a.admin,
        "own_member": world.a.member,
        "competitor_member": world.b.member,
        "community_staff": world.staff,
        "other_community_staff": world.other_staff,
        "reviewer": ok,
        "recused_reviewer": recused,
        "undeclared_reviewer": undeclared,
        "platform_staff": world.platform,
        "signed_in_outsider": world.outsider,
        "anonymous": None,
    }
    return need, bid, roles


BEFORE = {"own_admin", "own_member"}
AFTER = BEFORE | {"community_staff", "reviewer"}


def channels(api, user, need, bid):
    """What each channel reveals of A's bid to ``user``: True when it shows it."""
    client = api.as_user(user) if user else api
    detail = client.get(f"/api/v1/proposals/{bid.pk}/")
    assert detail.status_code in (200, 404)
    listing = client.get(f"/api/v1/needs/{need.pk}/proposals/")
    assert listing.status_code == 200
    listed = bid.pk in {p["id"] for p in listing.json()["results"]}
    web = Client()
    if user:
        web.force_login(user)
    page = web.get(f"/proposals/{bid.pk}/")
    assert page.status_code in (200, 404)
    assert (APPROACH in page.content.decode()) is (page.status_code == 200)
    export = web.get(f"/needs/{need.pk}/proposals.csv")
    assert export.status_code in (200, 404)
    exported = export.status_code == 200 and bid.title in export.content.decode("utf-8-sig")
    return {
        "api_detail": detail.status_code == 200,
        "api_list": listed,
        "html_page": page.status_code == 200,
        "csv": exported,
    }


def test_visibility_before_the_deadline(api, sealed):
    need, bid, roles = sealed
    for name, user in roles.items():
        expected = name in BEFORE
        assert channels(api, user, need, bid) == dict.fromkeys(
            ["api_detail", "api_list", "html_page", "csv"], expected
        ), name


def test_visibility_after_the_deadline(api, sealed):
    need, bid, roles = sealed
    pass_deadline(need)
    close_deadlines()
    for name, user in roles.items():
        expected = name in AFTER
        assert channels(api, user, need, bid) == dict.fromkeys(
            ["api_detail", "api_list", "html_page", "csv"], expected
        ), name


def test_visibility_after_the_deadline_before_the_closing_job(api, sealed):
    """The clock opens the bids for the panel too, whatever status the job has set yet."""
    need, bid, roles = sealed
    pass_deadline(need)
    for name, user in roles.items():
        expected = name in AFTER
        assert channels(api, user, need, bid) == dict.fromkeys(
            ["api_detail", "api_list", "html_page", "csv"], expected
        ), name


def test_a_withdrawn_bid_stays_with_its_organization(api, world, sealed):
    need, bid, roles = sealed
    api.as_user(world.a.admin).post(f"/api/v1/proposals/{bid.pk}/withdraw/")
    pass_deadline(need)
    close_deadlines()
    assert api.as_user(world.staff).get(f"/api/v1/proposals/{bid.pk}/").status_code == 404
    assert api.as_user(world.a.admin).get(f"/api/v1/proposals/{bid.pk}/").status_code == 200


def test_public_need_page_shows_the_count_but_no_bid_content(api, world, sealed):
    need, bid, _roles = sealed
    page = Client().get(f"/needs/{need.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert need.title in html
    assert bid.title not in html and world.a.org.name not in html and APPROACH not in html
    assert Client().get(f"/needs/{need.pk}/ranking/").status_code == 200
    assert world.a.org.name not in Client().get(f"/needs/{need.pk}/ranking/").content.decode()


def test_publication_notification_reveals_no_sealed_content(world, make_need, make_bid):
    world.b.org.followed_categories.add(Category.objects.get(code="elderly"))
    world.a.org.followed_regions.add(world.city.street)
    need = make_need(status="draft")
    need_publish(actor=world.staff, need=need)
    notified = set(Notification.objects.filter(kind="bidding.need_published").values_list("user_id", flat=True))
    assert notified == {world.a.admin.pk, world.b.admin.pk}
