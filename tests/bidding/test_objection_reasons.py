"""Objections with reasons (#21, 公示异议): the list is public with grounds and decisions, who
objected is shown to platform staff only; a decision needs a written reason of at least 20
characters and reaches the objector; an upheld objection withdraws the award."""

import pytest

from apps.bidding.models import Objection, Proposal
from apps.notifications.models import Notification
from tests.bidding.test_award_reservation import _awarded, _fund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
DISMISSAL = "经核查，评审专家均已声明无利益冲突，评分过程已公开，异议不成立。"
UPHOLDING = "经核实，中标团队两名社工的登记已于服务期内到期，不符合需求条件，异议成立。"


@pytest.fixture
def objected(api, world, make_need, make_bid, make_user):
    need, bid_a, bid_b = _awarded(api, world, make_need, make_bid)
    objector = make_user(username="objector_li")
    response = api.as_user(objector).post(
        f"/api/v1/needs/{need.pk}/objections/", {"text": "中标团队社工登记可能已过期。"}, format="json"
    )
    assert response.status_code == 201
    return need, bid_a, bid_b, objector, response.json()["id"]


def resolve(api, user, need, oid, **body):
    return api.as_user(user).post(f"/api/v1/needs/{need.pk}/objections/{oid}/resolve/", body, format="json", **ZH)


def test_the_objection_list_is_public_and_names_the_objector_only_to_platform_staff(api, world, objected):
    need, _a, _b, objector, oid = objected
    public = api.get(f"/api/v1/needs/{need.pk}/objections/")
    assert public.status_code == 200
    [row] = public.json()["results"]
    assert {"id", "submitted_at", "grounds", "status", "decision", "decided_at"} <= set(row)
    assert row["grounds"] == "中标团队社工登记可能已过期。" and row["status"] == "open" and row["decided_at"] is None
    assert row["objector"] is None and "objector_li" not in public.content.decode()
    for user in (world.staff, world.a.admin, world.b.admin, objector):
        seen = api.as_user(user).get(f"/api/v1/needs/{need.pk}/objections/")
        assert "objector_li" not in seen.content.decode()
    staff_view = api.as_user(world.platform).get(f"/api/v1/needs/{need.pk}/objections/").json()["results"][0]
    assert staff_view["objector"]["username"] == "objector_li"


def test_a_decision_without_a_reason_or_with_a_short_one_is_400_and_changes_nothing(api, world, objected):
    need, _a, _b, _objector, oid = objected
    missing = resolve(api, world.platform, need, oid, upheld=False)
    assert missing.status_code == 400 and missing.json()["decision"]
    short = resolve(api, world.platform, need, oid, upheld=False, decision="不成立")
    assert short.status_code == 400
    assert "20" in short.json()["decision"][0] and "理由" in short.json()["decision"][0]
    spaces = resolve(api, world.platform, need, oid, upheld=True, decision=" " * 40)
    assert spaces.status_code == 400
    objection = Objection.objects.get(pk=oid)
    assert objection.status == "open" and objection.decision == ""
    need.refresh_from_db()
    assert need.status == "notice"


def test_only_platform_staff_decide(api, world, objected):
    need, _a, _b, objector, oid = objected
    assert resolve(api, world.staff, need, oid, upheld=False, decision=DISMISSAL).status_code == 403
    assert resolve(api, objector, need, oid, upheld=False, decision=DISMISSAL).status_code == 403


def test_a_dismissal_with_reasons_is_public_and_reaches_the_objector(api, world, objected):
    need, _a, _b, objector, oid = objected
    response = resolve(api, world.platform, need, oid, upheld=False, decision=DISMISSAL)
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed" and response.json()["decision"] == DISMISSAL
    [row] = api.get(f"/api/v1/needs/{need.pk}/objections/").json()["results"]
    assert row["decision"] == DISMISSAL and row["decided_at"]
    note = Notification.objects.get(user=objector, kind="bidding.objection_decided")
    assert DISMISSAL in note.body
    need.refresh_from_db()
    assert need.status == "notice" and need.awarded_proposal_id is not None
    assert resolve(api, world.platform, need, oid, upheld=True, decision=UPHOLDING).status_code == 409


def test_an_upheld_objection_withdraws_the_award_and_voids_the_reservation(api, world, objected):
    need, bid_a, _b, objector, oid = objected
    assert _fund(api, world)["reserved"] != "0.00"
    response = resolve(api, world.platform, need, oid, upheld=True, decision=UPHOLDING)
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.status == "evaluating" and need.awarded_proposal_id is None and need.ranking == []
    assert Proposal.objects.get(pk=bid_a.pk).status == "excluded"
    assert _fund(api, world)["reserved"] == "0.00"
    note = Notification.objects.get(user=objector, kind="bidding.objection_decided")
    assert UPHOLDING in note.body


def test_other_open_objections_against_the_withdrawn_award_share_the_decision(api, world, objected, make_user):
    need, _a, _b, objector, oid = objected
    second = make_user()
    other = api.as_user(second).post(f"/api/v1/needs/{need.pk}/objections/", {"text": "同样的问题"}, format="json")
    resolve(api, world.platform, need, oid, upheld=True, decision=UPHOLDING)
    again = Objection.objects.get(pk=other.json()["id"])
    assert again.status == "upheld" and again.decision == UPHOLDING
    assert Notification.objects.filter(user=second, kind="bidding.objection_decided").exists()


def test_objections_show_on_the_need_and_ranking_pages(client, api, world, objected):
    need, _a, _b, _objector, oid = objected
    resolve(api, world.platform, need, oid, upheld=False, decision=DISMISSAL)
    for url in (f"/needs/{need.pk}/", f"/needs/{need.pk}/ranking/"):
        page = client.get(url, **ZH).content.decode()
        assert "中标团队社工登记可能已过期。" in page and DISMISSAL in page, url
        assert "objector_li" not in page
    client.force_login(world.platform)
    page = client.get(f"/needs/{need.pk}/", **ZH).content.decode()
    assert "objector_li" in page


def test_platform_staff_decide_on_the_page_and_a_short_reason_keeps_what_was_typed(client, world, objected):
    need, _a, _b, objector, oid = objected
    client.force_login(world.platform)
    page = client.get(f"/needs/{need.pk}/", **ZH).content.decode()
    assert f'action="/needs/{need.pk}/objections/{oid}/resolve/"' in page
    refused = client.post(f"/needs/{need.pk}/objections/{oid}/resolve/", {"upheld": "0", "decision": "太短了"}, **ZH)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "太短了" in body and "20" in body
    done = client.post(f"/needs/{need.pk}/objections/{oid}/resolve/", {"upheld": "0", "decision": DISMISSAL})
    assert done.status_code == 302
    assert Objection.objects.get(pk=oid).decision == DISMISSAL
    client.force_login(world.staff)
    assert (
        client.post(f"/needs/{need.pk}/objections/{oid}/resolve/", {"upheld": "0", "decision": DISMISSAL}).status_code
        == 403
    )
