"""Randomized check of the sealed-bid rule over many combinations of memberships, panel seats,
declarations and phases (derandomized, so a failure replays)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.services import membership_add
from apps.bidding.access import proposal_may_see_content
from apps.bidding.models import Need, PanelReviewer
from apps.bidding.services import reviewer_declare
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

roles = st.fixed_dictionaries(
    {
        "own_org": st.booleans(),
        "other_bidder": st.booleans(),
        "community_staff": st.booleans(),
        "other_community_staff": st.booleans(),
        "reviewer_pool": st.booleans(),
        "on_panel": st.booleans(),
        "declared": st.booleans(),
        "declares_conflict": st.booleans(),
        "phase": st.sampled_from(["open", "deadline_passed", "closed"]),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=roles)
def test_sealed_bid_rule_holds_for_any_role_mix(world, make_need, make_bid, case):
    need = make_need()
    bid = make_bid(need, world.a)
    make_bid(need, world.b)
    user = UserFactory()
    if case["own_org"]:
        membership_add(user=user, role="org_member", organization=world.a.org)
    if case["other_bidder"]:
        membership_add(user=user, role="org_admin", organization=world.b.org)
    if case["community_staff"]:
        membership_add(user=user, role="community_staff", community=world.city.community)
    if case["other_community_staff"]:
        membership_add(user=user, role="community_staff", community=world.city.other_community)
    if case["reviewer_pool"]:
        membership_add(user=user, role="reviewer")
    seated = case["on_panel"]
    if seated:
        PanelReviewer.objects.create(need=need, reviewer=user)
        if case["declared"]:
            reviewer_declare(actor=user, need=need, conflict=case["declares_conflict"])
    now = need.bid_deadline + (dt.timedelta(hours=-1) if case["phase"] == "open" else dt.timedelta(hours=1))
    if case["phase"] == "closed":
        Need.objects.filter(pk=need.pk).update(status="evaluating")
    recused = case["declares_conflict"] or case["own_org"] or case["other_bidder"] or case["community_staff"]
    after = case["phase"] != "open"
    expected = case["own_org"] or (
        after
        and (case["community_staff"] or (case["phase"] == "closed" and seated and case["declared"] and not recused))
    )
    user = type(user).objects.get(pk=user.pk)  # fresh membership cache
    assert proposal_may_see_content(user=user, proposal=bid, now=now) is expected, case
