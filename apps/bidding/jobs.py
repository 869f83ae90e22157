"""Periodic jobs of the bidding journey (run by ``manage.py run_scheduled`` and Celery beat)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from apps.bidding import text_index
from apps.bidding.models import Need, Objection, Proposal
from apps.bidding.notifications import notify_draft_deadline
from apps.bidding.selectors import needs_open_for_bids
from apps.bidding.services import need_close_bidding, need_finalize_award
from apps.core.errors import StateConflict
from apps.core.jobs import scheduled_job

logger = logging.getLogger(__name__)


@scheduled_job("bidding_close_deadlines")
def close_deadlines(now: dt.datetime | None = None) -> int:
    """Published needs past their deadline go to evaluation (or fail without an eligible bid)."""
    now = now or timezone.now()
    closed = 0
    for need in Need.objects.filter(status=Need.Status.PUBLISHED, bid_deadline__lte=now):
        need_close_bidding(need=need, now=now)
        closed += 1
    return closed


@scheduled_job("bidding_end_notices")
def end_notices(now: dt.datetime | None = None) -> int:
    """Notices that ended with no upheld or open objection become awards and projects; returns
    how many. One that can't is stalled by ``need_finalize_award`` (visible, staff notified) and
    leaves the notice status, so it is never picked up again."""
    now = now or timezone.now()
    done = 0
    due = Need.objects.filter(status=Need.Status.NOTICE, notice_ends_at__lte=now).exclude(
        objections__status=Objection.Status.OPEN
    )
    for need in due:
        try:
            project = need_finalize_award(need=need, now=now)
        except StateConflict as exc:  # changed since it was listed (an objection filed, a cancel)
            logger.info("need %s not finalized: %s", need.pk, exc.message)
            continue
        if project is None:
            logger.warning("need %s stalled at the end of its notice", need.pk)
        else:
            done += 1
    return done


@scheduled_job("bidding_draft_reminders")
def remind_drafts(now: dt.datetime | None = None) -> int:
    """24 hours before the deadline, organizations with an unsubmitted draft are reminded once."""
    now = now or timezone.now()
    drafts = Proposal.objects.filter(
        status=Proposal.Status.DRAFT,
        deadline_reminder_sent_at__isnull=True,
        need__in=needs_open_for_bids(now=now).filter(bid_deadline__lte=now + dt.timedelta(hours=24)),
    ).select_related("need")
    sent = 0
    for proposal in drafts:
        notify_draft_deadline(proposal=proposal)
        Proposal.objects.filter(pk=proposal.pk).update(deadline_reminder_sent_at=now)
        sent += 1
    return sent


@scheduled_job("bidding_need_text_repair")
def need_text_repair() -> int:
    """Index needs that have no gram row for the list's ``q`` (written by bulk SQL, without the
    save that indexes them); returns how many."""
    return text_index.rebuild(only_missing=True)
