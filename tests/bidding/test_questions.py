"""Clarification questions on needs (#21, Prozorro's enquiries): verified organizations ask while
bidding is open, until ``question_deadline_days`` before the bid deadline; the need's community
staff answer in public; who asked is never shown; bidders (drafts too) and followers hear of the
answer; an answer that changes the terms extends the bid deadline."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.bidding.models import Need, NeedFollow, Question
from apps.bidding.services import question_answer, question_ask
from apps.core.dates import local_datetime
from apps.core.selectors import policy_current
from apps.core.workspace import workspace_counts
from apps.notifications.models import Notification
from apps.organizations.models import Organization
from tests.bidding.test_award_reservation import _income, _ready_to_award
from tests.factories.bidding import ProposalFactory
from tests.factories.core import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


ASKER_NAME = "提问机构甲（不可公开）"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def asker(world):
    """Bidder A's organization, renamed so that any leak of who asked is easy to find."""
    Organization.objects.filter(pk=world.a.org.pk).update(name=ASKER_NAME)
    world.a.org.refresh_from_db()
    return world.a


def ask(api, user, need, text="服务对象名单是否由社区提供？"):
    return api.as_user(user).post(f"/api/v1/needs/{need.pk}/questions/", {"text": text}, format="json")


def answer(api, user, question_id, text="社区提供台账名单，机构入户复核。", **extra):
    return api.as_user(user).post(f"/api/v1/questions/{question_id}/answer/", {"answer": text, **extra}, format="json")


def test_a_verified_organization_asks_and_everyone_reads_it_without_who_asked(api, world, make_need, asker):
    need = make_need()
    response = ask(api, asker.member, need)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["answer"] is None and body["answered_at"] is None
    listed = api.get(f"/api/v1/needs/{need.pk}/questions/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert set(row) >= {"id", "text", "answer", "asked_at", "answered_at"}
    assert not {"organization", "asked_by", "author"} & set(row)
    text = listed.content.decode()
    assert ASKER_NAME not in text and asker.member.username not in text


def test_only_members_of_verified_organizations_ask(api, world, make_need, make_user):
    need = make_need()
    assert api.post(f"/api/v1/needs/{need.pk}/questions/", {"text": "?"}, format="json").status_code == 401
    outsider = ask(api, world.outsider, need)
    assert outsider.status_code == 403 and outsider.json()["detail"]
    pending = OrganizationFactory(region=world.city.district, status=Organization.Status.PENDING)
    assert ask(api, make_user("org_admin", organization=pending), need).status_code == 403
    assert Question.objects.count() == 0


def test_a_question_after_the_question_deadline_is_409_with_the_closing_time(api, world, make_need):
    days = policy_current().question_deadline_days
    assert days >= 1
    need = make_need(bid_deadline=timezone.now() + dt.timedelta(days=days, hours=-1))
    response = api.as_user(world.a.admin).post(
        f"/api/v1/needs/{need.pk}/questions/", {"text": "还能提问吗？"}, format="json", **ZH
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "提问" in detail and str(days) in detail
    assert ask(api, world.a.admin, make_need(status="evaluating")).status_code == 409


def test_bad_question_text_is_400_on_the_field(api, world, make_need):
    need = make_need()
    assert ask(api, world.a.admin, need, text="   ").status_code == 400
    long = ask(api, world.a.admin, need, text="问" * 5000)
    assert long.status_code == 400 and "text" in long.json()


def test_the_needs_community_staff_answer_and_others_get_403(api, world, make_need):
    need = make_need()
    qid = ask(api, world.a.admin, need).json()["id"]
    other = api.as_user(world.other_staff).post(
        f"/api/v1/questions/{qid}/answer/", {"answer": "我来回答"}, format="json", **ZH
    )
    assert other.status_code == 403
    assert "社区" in other.json()["detail"]
    assert answer(api, world.b.admin, qid).status_code == 403
    assert answer(api, world.platform, qid).status_code == 403
    assert api.post(f"/api/v1/questions/{qid}/answer/", {"answer": "x"}, format="json").status_code == 401
    done = answer(api, world.staff, qid)
    assert done.status_code == 200
    assert done.json()["answer"] == "社区提供台账名单，机构入户复核。" and done.json()["answered_at"]
    assert answer(api, world.staff, qid).status_code == 409
    assert answer(api, world.staff, 999999).status_code == 404
    assert api.as_user(world.staff).post(f"/api/v1/questions/{qid}/answer/", {}, format="json").status_code == 400


def test_an_answer_reaches_bidders_drafts_included_and_followers_but_nobody_else(
    api, world, make_need, make_bid, make_user, asker
):
    need = make_need()
    make_bid(need, world.b)
    drafting = OrganizationFactory(region=world.city.district)
    drafter = make_user("org_admin", organization=drafting)
    ProposalFactory(need=need, organization=drafting, status="draft", created_by=drafter)
    follower = make_user()
    assert api.as_user(follower).post(f"/api/v1/needs/{need.pk}/follow/").status_code == 201
    bystander = OrganizationFactory(region=world.city.district)
    bystander_admin = make_user("org_admin", organization=bystander)

    qid = ask(api, asker.member, need).json()["id"]
    asked = Notification.objects.filter(kind="bidding.question_asked")
    assert set(asked.values_list("user", flat=True)) == {world.staff.pk}
    assert answer(api, world.staff, qid).status_code == 200

    told = set(Notification.objects.filter(kind="bidding.question_answered").values_list("user", flat=True))
    assert {world.b.admin.pk, world.b.member.pk, drafter.pk, follower.pk, asker.admin.pk} <= told
    assert bystander_admin.pk not in told and world.other_staff.pk not in told
    for n in Notification.objects.filter(kind__startswith="bidding.question"):
        assert ASKER_NAME not in n.title + n.body and asker.member.username not in n.title + n.body
        assert world.b.org.name not in n.title + n.body and drafting.name not in n.title + n.body


def test_an_answer_that_changes_the_terms_extends_the_deadline_records_and_tells_it(api, world, make_need, make_bid):
    need = make_need()
    make_bid(need, world.b)
    draft = ProposalFactory(
        need=need,
        organization=world.a.org,
        status="draft",
        created_by=world.a.admin,
        deadline_reminder_sent_at=timezone.now(),
    )
    days = policy_current().clarification_extension_days
    before = need.bid_deadline
    qid = ask(api, world.a.admin, need).json()["id"]
    response = answer(api, world.staff, qid, text="服务周期调整为十个月。", changes_terms=True)
    assert response.status_code == 200
    assert response.json()["changes_terms"] is True and response.json()["bid_deadline_extended_to"]
    need.refresh_from_db()
    assert need.bid_deadline == before + dt.timedelta(days=days)
    question = Question.objects.get(pk=qid)
    assert question.deadline_extended_from == before and question.deadline_extended_to == need.bid_deadline
    draft.refresh_from_db()
    assert draft.deadline_reminder_sent_at is None  # reminded again before the new deadline
    extended = Notification.objects.filter(kind="bidding.deadline_extended", user=world.b.admin).get()
    assert local_datetime(need.bid_deadline) in extended.title
    page = api.get(f"/api/v1/needs/{need.pk}/").json()
    assert page["bid_deadline"].startswith(timezone.localtime(need.bid_deadline).strftime("%Y-%m-%dT%H:%M"))


def test_changing_terms_after_the_bid_deadline_is_409_and_the_answer_is_not_saved(api, world, make_need):
    need = make_need()
    qid = ask(api, world.a.admin, need).json()["id"]
    Need.objects.filter(pk=need.pk).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    late = answer(api, world.staff, qid, changes_terms=True)
    assert late.status_code == 409
    assert Question.objects.get(pk=qid).answered_at is None
    assert answer(api, world.staff, qid).status_code == 200  # an answer alone is still welcome


def test_an_extension_past_the_service_start_is_refused(api, world, make_need, today):
    need = make_need(service_start=today + dt.timedelta(days=12), bid_deadline=timezone.now() + dt.timedelta(days=11))
    qid = ask(api, world.a.admin, need).json()["id"]
    refused = answer(api, world.staff, qid, changes_terms=True)
    assert refused.status_code == 409 and refused.json()["detail"]


def test_unanswered_questions_at_the_bid_deadline_are_flagged_on_staff_workspace(world, make_need):
    need = make_need()
    now = timezone.now()
    question_ask(actor=world.a.admin, need=need, text="第一个问题", now=now)
    answered = question_ask(actor=world.a.admin, need=need, text="第二个问题", now=now)
    question_answer(actor=world.staff, question=answered, answer="已答复", now=now)

    def counts():
        memberships = list(world.staff.memberships.all())
        return {c.key: c.value for c in workspace_counts(user=world.staff, memberships=memberships)}

    assert counts()["questions"] == 1 and counts()["questions_overdue"] == 0
    Need.objects.filter(pk=need.pk).update(bid_deadline=now - dt.timedelta(minutes=1))
    assert counts()["questions_overdue"] == 1


def test_follow_and_unfollow_a_need(api, world, make_need, make_user):
    need = make_need()
    resident = make_user()
    client = api.as_user(resident)
    assert api.post(f"/api/v1/needs/{need.pk}/follow/").status_code == 401
    assert client.post(f"/api/v1/needs/{need.pk}/follow/").status_code == 201
    assert client.post(f"/api/v1/needs/{need.pk}/follow/").status_code == 201  # once
    assert NeedFollow.objects.filter(need=need, user=resident).count() == 1
    assert client.get(f"/api/v1/needs/{need.pk}/follow/").json()["following"] is True
    assert client.delete(f"/api/v1/needs/{need.pk}/follow/").status_code == 204
    assert client.get(f"/api/v1/needs/{need.pk}/follow/").json()["following"] is False
    draft = make_need("draft")
    assert client.post(f"/api/v1/needs/{draft.pk}/follow/").status_code == 404


def test_the_question_list_reads_in_constant_queries(api, world, make_need, django_assert_max_num_queries):
    need = make_need()
    for i in range(5):
        question_ask(actor=world.a.admin, need=need, text=f"问题{i}")
    with django_assert_max_num_queries(4):
        response = api.get(f"/api/v1/needs/{need.pk}/questions/")
    assert response.json()["count"] == 5


def test_the_need_page_shows_the_qa_and_the_forms_in_chinese(client, world, make_need, asker):
    need = make_need()
    qid = question_ask(actor=asker.member, need=need, text="场地由谁提供？").pk
    question_ask(actor=asker.member, need=need, text="志愿者补贴是否包含在预算内？")
    question_answer(actor=world.staff, question=Question.objects.get(pk=qid), answer="社区提供活动室。")

    page = client.get(f"/needs/{need.pk}/", **ZH).content.decode()
    assert "答疑" in page or "提问" in page
    assert "场地由谁提供？" in page and "社区提供活动室。" in page
    assert ASKER_NAME not in page and asker.member.username not in page
    assert 'name="text"' not in page  # no question form for anonymous visitors

    client.force_login(world.b.member)
    page = client.get(f"/needs/{need.pk}/", **ZH).content.decode()
    assert f'action="/needs/{need.pk}/questions/"' in page
    assert ASKER_NAME not in page

    client.force_login(world.staff)
    page = client.get(f"/needs/{need.pk}/", **ZH).content.decode()
    assert 'name="changes_terms"' in page and "修改了需求条件" in page
    assert ASKER_NAME not in page


def test_the_question_form_keeps_what_was_typed_when_refused(client, world, make_need):
    days = policy_current().question_deadline_days
    need = make_need(bid_deadline=timezone.now() + dt.timedelta(days=days + 1))
    client.force_login(world.a.admin)
    assert client.get(f"/needs/{need.pk}/").status_code == 200
    Need.objects.filter(pk=need.pk).update(bid_deadline=timezone.now() + dt.timedelta(days=days, hours=-1))
    refused = client.post(f"/needs/{need.pk}/questions/", {"text": "我的问题还在吗"}, **ZH)
    assert refused.status_code == 400
    assert "我的问题还在吗" in refused.content.decode() or "提问" in refused.content.decode()


def test_staff_answer_through_the_page_with_the_tick(client, world, make_need):
    need = make_need()
    question = question_ask(actor=world.a.admin, need=need, text="服务时间能否调整到周末？")
    before = need.bid_deadline
    client.force_login(world.staff)
    response = client.post(
        f"/questions/{question.pk}/answer/", {"answer": "可以，周末服务也可。", "changes_terms": "on"}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.bid_deadline > before
    client.force_login(world.other_staff)
    other = Question.objects.create(
        need=need, organization=world.a.org, asked_by=world.a.admin, text="再问", asked_at=timezone.now()
    )
    assert client.post(f"/questions/{other.pk}/answer/", {"answer": "不该由我答"}).status_code == 403


def test_who_asked_is_not_in_search_or_open_data(api, world, make_need, asker):
    need = make_need()
    question_ask(actor=asker.member, need=need, text="独特提问词汇甲乙丙")
    search = api.get("/api/v1/search/", {"q": "独特提问词汇甲乙丙"})
    assert ASKER_NAME not in search.content.decode()
    ocds = api.get(f"/api/v1/ocds/releases/?need={need.pk}").content.decode()
    assert "独特提问词汇甲乙丙" in ocds and ASKER_NAME not in ocds and asker.org.credit_code not in ocds


def test_followers_hear_of_the_award_notice(api, world, make_need, make_bid, make_user):
    [(need, _a, _b)] = _ready_to_award(api, world, make_need, make_bid)
    _income(world.city.fund, 100000_00, "grant")
    follower = make_user()
    assert api.as_user(follower).post(f"/api/v1/needs/{need.pk}/follow/").status_code == 201
    assert api.as_user(world.platform).post(f"/api/v1/needs/{need.pk}/award/").status_code == 200
    assert Notification.objects.filter(user=follower, kind="bidding.award_notice").exists()
