"""The support threshold brings a suggestion to the community's staff; unanswered, the job
sends it to the street's officer (#21)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.selectors import memberships_active
from apps.core.jobs import discover, run_job
from apps.core.services import policy_update
from apps.core.workspace import workspace_counts
from apps.notifications.models import Notification
from apps.participation.models import Suggestion
from apps.participation.services import suggestion_decline, suggestion_support, suggestions_escalate_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold_two(make_user):
    policy_update(
        actor=make_user("platform_staff"), changes={"suggestion_support_threshold": 2, "suggestion_answer_days": 7}
    )


def counts(user) -> dict:
    return {c.key: c.value for c in workspace_counts(user=user, memberships=memberships_active(user))}


@pytest.mark.usefixtures("threshold_two")
def test_reaching_the_threshold_notifies_the_staff_once_and_fills_their_workspace(people):
    assert counts(people.staff)["suggestions_to_answer"] == 0
    suggestion_support(actor=people.resident2, suggestion=people.suggestion)
    assert not Notification.objects.filter(kind="participation.threshold").exists()
    suggestion_support(actor=people.resident3, suggestion=people.suggestion)
    people.suggestion.refresh_from_db()
    assert people.suggestion.threshold_reached_at is not None
    assert Notification.objects.filter(kind="participation.threshold", user=people.staff).count() == 1
    assert not Notification.objects.filter(kind="participation.threshold", user=people.other_staff).exists()
    assert counts(people.staff)["suggestions_to_answer"] == 1
    assert counts(people.other_staff)["suggestions_to_answer"] == 0
    suggestion_support(actor=people.resident, suggestion=people.suggestion)  # the third: no second notice
    assert Notification.objects.filter(kind="participation.threshold", user=people.staff).count() == 1


@pytest.mark.usefixtures("threshold_two")
def test_an_unanswered_suggestion_goes_to_the_street_after_the_answer_days(people):
    suggestion_support(actor=people.resident2, suggestion=people.suggestion)
    suggestion_support(actor=people.resident3, suggestion=people.suggestion)
    now = timezone.now()
    assert suggestions_escalate_overdue(now=now + dt.timedelta(days=6)) == 0
    assert "escalate_unanswered_suggestions" in discover()
    Suggestion.objects.filter(pk=people.suggestion.pk).update(threshold_reached_at=now - dt.timedelta(days=8))
    assert run_job("escalate_unanswered_suggestions") == 1
    people.suggestion.refresh_from_db()
    assert people.suggestion.status == Suggestion.Status.ESCALATED and people.suggestion.escalated_at
    assert Notification.objects.filter(kind="participation.escalated", user=people.officer).count() == 1
    assert counts(people.officer)["suggestions_escalated"] == 1
    assert run_job("escalate_unanswered_suggestions") == 0  # once
    # the staff may still answer an escalated suggestion
    suggestion_decline(actor=people.staff, suggestion=people.suggestion, reason="经研究，暂不具备实施条件。")
    assert counts(people.officer)["suggestions_escalated"] == 0


@pytest.mark.usefixtures("threshold_two")
def test_answered_and_below_threshold_suggestions_stay(people):
    long_ago = timezone.now() - dt.timedelta(days=30)
    Suggestion.objects.filter(pk=people.suggestion.pk).update(created_at=long_ago)
    assert suggestions_escalate_overdue() == 0  # never reached the threshold
    suggestion_support(actor=people.resident2, suggestion=people.suggestion)
    suggestion_support(actor=people.resident3, suggestion=people.suggestion)
    suggestion_decline(actor=people.staff, suggestion=people.suggestion, reason="经研究，暂不具备实施条件。")
    Suggestion.objects.filter(pk=people.suggestion.pk).update(threshold_reached_at=long_ago)
    assert suggestions_escalate_overdue() == 0
