"""Workspace counts (issue #9): what needs each role's action now, scoped to what the user may see,
changing with the rows underneath, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.services import membership_add
from apps.bidding.models import Need, PanelReviewer, Proposal, ProposalScore
from apps.core.models import Category
from apps.core.workspace import workspace_counts
from apps.notifications.services import notify
from apps.projects import services as project_services
from apps.projects.models import Milestone
from tests.factories.core import OrganizationFactory
from tests.factories.projects import awarded_need, make_project

pytestmark = pytest.mark.django_db


def counts(user, role) -> dict:
    membership = Membership.objects.active().get(user=user, role=role)
    return {c.key: c.value for c in workspace_counts(user=user, memberships=[membership])}


def _need(city, community=None, status="draft", **extra):
    need = awarded_need(community=community or city.community)
    Need.objects.filter(pk=need.pk).update(status=status, **extra)
    return need


def _proposal(need, organization, author, **fields):
    return Proposal.objects.create(
        need=need,
        organization=organization,
        title="方案",
        summary="s",
        approach="a",
        total_amount=Decimal("1000.00"),
        created_by=author,
        **fields,
    )


# Community staff's cards from the residents' apps (#21), none of which these rows touch.
RESIDENTS_ZERO = {"questions": 0, "questions_overdue": 0, "reports_to_review": 0, "suggestions_to_answer": 0}


def test_community_staff_counts_follow_the_rows_of_their_community_only(city, organization, make_user, worker_factory):
    staff = make_user("community_staff", community=city.community)
    before = counts(staff, "community_staff")
    assert before == {"drafts": 0, "evaluating": 0, "records_to_confirm": 0, "milestones_to_accept": 0} | RESIDENTS_ZERO

    _need(city, status="draft")
    _need(city, status="evaluating")
    _need(city, community=city.other_community, status="draft")  # another community's: not counted
    worker = worker_factory(organization=organization)
    project = make_project(community=city.community, organization=organization, workers=[worker])
    Milestone.objects.filter(pk=project.milestones.first().pk).update(status="submitted")
    admin = make_user("org_admin", organization=organization)
    log = project_services.service_log_create(
        worker=worker,
        project=project,
        date=timezone.localdate() - dt.timedelta(days=1),
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        place="活动中心",
        content="探访",
        beneficiaries_served=3,
    )
    assert counts(staff, "community_staff")["records_to_confirm"] == 0  # not approved yet
    assert counts(admin, "org_admin")["records_to_approve"] == 1
    project_services.service_logs_bulk_approve(actor=admin, logs=[log])
    assert counts(admin, "org_admin")["records_to_approve"] == 0

    after = counts(staff, "community_staff")
    assert after == {"drafts": 1, "evaluating": 1, "records_to_confirm": 1, "milestones_to_accept": 1} | RESIDENTS_ZERO
    other = make_user("community_staff", community=city.other_community)
    assert (
        counts(other, "community_staff")
        == {
            "drafts": 1,
            "evaluating": 0,
            "records_to_confirm": 0,
            "milestones_to_accept": 0,
        }
        | RESIDENTS_ZERO
    )

    log.refresh_from_db()
    project_services.service_log_confirm(actor=staff, log=log)
    assert counts(staff, "community_staff")["records_to_confirm"] == 0

    # the worker sees the record's status and this month's hours move with it
    w = counts(worker.user, "social_worker")
    assert w["my_projects"] == 1 and w["submitted"] == 0 and w["approved"] == 0
    same_month = log.date.month == timezone.localdate().month
    assert w["hours_this_month"] == (Decimal("2.50") if same_month else Decimal("0"))


def test_organization_counts_open_needs_matching_follows_and_own_bids(city, organization, make_user):
    admin = make_user("org_admin", organization=organization)
    member = make_user("org_member", organization=organization)
    deadline = timezone.now() + dt.timedelta(days=5)
    elderly = _need(city, status="published", bid_deadline=deadline)
    youth = _need(city, status="published", bid_deadline=deadline, category=Category.objects.get(code="children_youth"))
    _need(city, status="published", bid_deadline=timezone.now() - dt.timedelta(minutes=1))  # closed
    assert counts(admin, "org_admin")["open_needs"] == 2  # no follows: every open need
    organization.followed_categories.add(Category.objects.get(code="elderly"))
    assert counts(admin, "org_admin")["open_needs"] == 1
    assert "records_to_approve" not in counts(member, "org_member")  # approving is the admin's

    assert counts(member, "org_member")["bids"] == 0
    _proposal(elderly, organization, admin)
    _proposal(youth, organization, admin, status="withdrawn")
    assert counts(member, "org_member")["bids"] == 1


def test_reviewer_counts_panels_until_declared_and_scored(city, organization, make_user):
    reviewer = make_user("reviewer")
    need = _need(city, status="evaluating")
    assert counts(reviewer, "reviewer")["need_panels"] == 0
    seat = PanelReviewer.objects.create(need=need, reviewer=reviewer)
    assert counts(reviewer, "reviewer")["need_panels"] == 1  # declare first
    PanelReviewer.objects.filter(pk=seat.pk).update(declared_at=timezone.now())
    proposal = _proposal(need, organization, reviewer)
    Proposal.objects.filter(pk=proposal.pk).update(status="submitted")
    assert counts(reviewer, "reviewer")["need_panels"] == 1  # one bid left to score
    ProposalScore.objects.create(proposal=proposal, reviewer=reviewer, scores={}, weighted_total=Decimal("80"))
    assert counts(reviewer, "reviewer")["need_panels"] == 0
    other = make_user("reviewer")
    assert counts(other, "reviewer")["need_panels"] == 0  # someone else's seat


def test_staff_and_fund_manager_counts(city, make_user, worker_factory):
    staff = make_user("platform_staff")
    before = counts(staff, "platform_staff")
    OrganizationFactory(region=city.district, status="pending")
    worker_factory(verified=False)
    after = counts(staff, "platform_staff")
    assert after["organizations_to_verify"] == before["organizations_to_verify"] + 1
    assert after["workers_to_verify"] == before["workers_to_verify"] + 1

    manager = make_user("fund_manager", fund=city.fund)
    assert counts(manager, "fund_manager") == {
        "refund_holds": 0,
        "pending_reports": 0,
        "payouts": 0,
        "reconciliation_warnings": 0,
    }

    notify(users=[manager], kind="fund_reconciliation", title="Stripe reconciliation found differences")
    assert counts(manager, "fund_manager")["reconciliation_warnings"] == 1


def test_workspace_page_shows_counts_in_bounded_queries(
    client, city, organization, make_user, worker_factory, django_assert_max_num_queries, settings
):

    settings.SANSHE_ENFORCE_MFA = False  # the MFA step is not what this counts

    user = make_user("community_staff", community=city.community)
    membership_add(user=user, role="org_admin", organization=organization)
    membership_add(user=user, role="reviewer")
    membership_add(user=user, role="fund_manager", fund=city.fund)
    for _ in range(5):
        _need(city, status="draft")
    client.force_login(user)
    with django_assert_max_num_queries(30):
        response = client.get("/workspace/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-count="drafts"' in body
    assert '<strong class="count">5</strong>' in body
    # 23 queries with these four memberships (one per count, plus session, user, memberships,
    # notifications); the same with more rows: counts, not lists
    for _ in range(20):
        _need(city, status="draft")
    with django_assert_max_num_queries(30):
        response = client.get("/workspace/")
    assert '<strong class="count">25</strong>' in response.content.decode()
