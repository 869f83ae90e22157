"""Writes of the bidding journey: one service per state transition (Journey 1 of DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from statistics import mean

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.selectors import (
    is_platform_staff,
    user_community_ids,
    user_has_role,
    user_organization_ids,
)
from apps.bidding.access import panel_seat_conflict_reason
from apps.bidding.models import (
    Need,
    NeedFollow,
    Objection,
    PanelReviewer,
    Proposal,
    ProposalAttachment,
    ProposalBudgetLine,
    ProposalMilestone,
    ProposalScore,
    ProposalTeamMember,
    Question,
)
from apps.bidding.notifications import (
    notify_award_notice,
    notify_award_stalled,
    notify_need_published,
    notify_objection_decided,
    notify_objection_filed,
    notify_question_answered,
    notify_question_asked,
)
from apps.bidding.selectors import need_publication_errors, need_range_errors, question_deadline
from apps.core.dates import local_date, local_datetime
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.money import decimal_to_fen, format_yuan
from apps.core.rubric import RUBRIC_WEIGHTS, rubric_items
from apps.core.selectors import policy_current
from apps.core.uploads import validate_upload
from apps.funds.payouts import FundShortfall, award_release, award_reserve
from apps.organizations.models import Organization
from apps.organizations.selectors import organization_employs
from apps.projects.services import project_create_from_award
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_is_qualified_on

# A notice or a stalled award can be cancelled too: the award's reservation is released.
CANCELLABLE_STATUSES = (
    Need.Status.DRAFT,
    Need.Status.PUBLISHED,
    Need.Status.EVALUATING,
    Need.Status.NOTICE,
    Need.Status.STALLED,
)
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("community", "category", "fund").get(pk=need.pk)


def _require_community_staff(user, community_id: int) -> None:
    if community_id not in user_community_ids(user):
        raise PermissionDenied(_("Only the staff of this community may do this."))


def _check_fund(need_fields: dict, community) -> None:
    fund = need_fields.get("fund")
    if fund is not None and fund.community_id != community.pk:
        raise ValidationFailed(field_errors={"fund": [_("The fund must be this community's fund.")]})


# Needs ----------------------------------------------------------------------------------------


@transaction.atomic
def need_create(*, actor: User, community, **fields) -> Need:
    if community.level != "community":
        raise ValidationFailed(field_errors={"community": [_("Choose a community.")]})
    _require_community_staff(actor, community.pk)
    _check_fund(fields, community)
    return _need_save(Need(community=community, created_by=actor, status=Need.Status.DRAFT), fields)


def _need_save(need: Need, fields: dict) -> Need:
    """A draft takes the editable fields given, is checked and saved (created or edited alike)."""
    for name in Need.EDITABLE_FIELDS:
        if name in fields:
            setattr(need, name, fields[name])
    _full_clean_need(need)
    need.save()
    return need


def _full_clean_need(need: Need) -> None:
    errors = need_range_errors(
        budget_min=need.budget_min,
        budget_max=need.budget_max,
        service_start=need.service_start,
        service_end=need.service_end,
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    try:
        need.full_clean(exclude=["created_by", "awarded_proposal", "ranking"])
    except ValidationError as exc:
        raise ValidationFailed(
            field_errors={f: [str(m) for e in errs for m in e.messages] for f, errs in exc.error_dict.items()}
        ) from None


@transaction.atomic
def need_update(*, actor: User, need: Need, **fields) -> Need:
    need = _lock_need(need)
    _require_community_staff(actor, need.community_id)
    if need.status != Need.Status.DRAFT:
        raise StateConflict(_("Only a draft can be edited."))
    _check_fund(fields, need.community)
    return _need_save(need, fields)


@transaction.atomic
def need_publish(*, actor: User, need: Need, now: dt.datetime | None = None) -> Need:
    now = _now(now)
    need = _lock_need(need)
    _require_community_staff(actor, need.community_id)
    if need.status != Need.Status.DRAFT:
        raise StateConflict(_("Only a draft can be published."))
    errors = need_publication_errors(need=need, now=now)
    if errors:
        raise ValidationFailed(field_errors=errors)
    need.status = Need.Status.PUBLISHED
    need.published_at = now
    need.save(update_fields=["status", "published_at", "updated_at"])
    notify_need_published(need_id=need.pk)  # rolls back with the publication; mail goes after commit
    return need


@transaction.atomic
def need_cancel(*, actor: User, need: Need, reason: str) -> Need:
    need = _lock_need(need)
    if not (is_platform_staff(actor) or need.community_id in user_community_ids(actor)):
        raise PermissionDenied(_("Only the community's staff or platform staff may cancel a need."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Say why the need is cancelled.")]})
    if need.status not in CANCELLABLE_STATUSES:
        raise StateConflict(_("This need can no longer be cancelled."))
    if need.awarded_proposal_id is not None:
        award_release(proposal=need.awarded_proposal, memo=reason[:500])
    need.status = Need.Status.CANCELLED
    need.cancelled_reason = reason[:500]
    need.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return need


@transaction.atomic
def need_close_bidding(*, need: Need, now: dt.datetime | None = None) -> Need:
    """Deadline passed: evaluate the submitted bids, or fail when there is none."""
    now = _now(now)
    need = _lock_need(need)
    if need.status != Need.Status.PUBLISHED:
        raise StateConflict(_("Only a published need can be closed."))
    if now < need.bid_deadline:
        raise StateConflict(_("Bidding is still open."))
    has_bids = need.proposals.filter(status=Proposal.Status.SUBMITTED).exists()
    need.status = Need.Status.EVALUATING if has_bids else Need.Status.FAILED
    need.save(update_fields=["status", "updated_at"])
    for seat in need.panel.filter(declared_at__isnull=False):
        _apply_recusal(seat=seat, now=now)
    return need


# Proposals ------------------------------------------------------------------------------------


def _require_bidder(actor: User, organization: Organization) -> None:
    if organization.pk not in user_organization_ids(actor):
        raise PermissionDenied(_("Only members of the organization may bid for it."))
    if organization.status != Organization.Status.VERIFIED:
        raise PermissionDenied(_("Only verified organizations may bid."))


def _bidding_open(need: Need, now: dt.datetime) -> None:
    if now >= need.bid_deadline:
        raise StateConflict(_("The bid deadline has passed."))
    if need.status != Need.Status.PUBLISHED:
        raise StateConflict(_("This need is not open for bids."))


def _yuan(amount: Decimal) -> str:
    return format_yuan(decimal_to_fen(Decimal(amount)))


def proposal_total(budget_lines: list) -> Decimal:
    """A proposal's amount, the one the need's budget range and the contract take: the sum of
    its budget lines."""
    return sum((Decimal(line["amount"]) for line in budget_lines), Decimal("0"))


def proposal_errors(
    *, need: Need, organization: Organization, budget_lines: list, milestones: list, team: list
) -> dict[str, list[str]]:
    """Every rule a proposal must meet when submitted (CONTRACT: proposals)."""
    errors: dict[str, list[str]] = {}
    if not budget_lines:
        errors["budget_lines"] = [_("Add at least one budget line.")]
    else:
        total = proposal_total(budget_lines)
        if total < need.budget_min or total > need.budget_max:
            errors["budget_lines"] = [
                _("The total %(total)s is outside the budget range %(min)s–%(max)s.")
                % {"total": _yuan(total), "min": _yuan(need.budget_min), "max": _yuan(need.budget_max)}
            ]
    if not milestones:
        errors["milestones"] = [_("Add at least one milestone.")]
    else:
        percents = sum((Decimal(m["payment_percent"]) for m in milestones), Decimal("0"))
        if percents != HUNDRED:
            errors["milestones"] = [
                _("The payment shares add up to %(sum)s%%, not 100%%.") % {"sum": percents.normalize()}
            ]
        outside = [m["title"] for m in milestones if not need.service_start <= m["due_date"] <= need.service_end]
        if outside:
            errors.setdefault("milestones", []).append(
                _("Milestones due outside the service period: %(titles)s.") % {"titles": ", ".join(outside)}
            )
    team_errors = []
    workers = [member["worker"] for member in team]
    if len({w.pk for w in workers}) != len(workers):
        team_errors.append(_("A worker is named twice."))
    if len(workers) < need.workers_needed:
        team_errors.append(
            _("The need asks for %(n)s workers; the team has %(m)s.") % {"n": need.workers_needed, "m": len(workers)}
        )
    for worker in workers:
        if not worker.verified:
            team_errors.append(_("%(name)s is not a verified social worker.") % {"name": worker.name})
            continue
        if not organization_employs(organization_id=organization.pk, user_id=worker.user_id):
            team_errors.append(_("%(name)s is not employed by the organization.") % {"name": worker.name})
        if SocialWorker.LEVEL_RANK[worker.level] < SocialWorker.LEVEL_RANK[need.min_worker_level]:
            team_errors.append(_("%(name)s is below the required level.") % {"name": worker.name})
        elif not worker_is_qualified_on(worker, need.service_end, need.min_worker_level):
            team_errors.append(_("%(name)s is not registered through the end of the service.") % {"name": worker.name})
    if team_errors:
        errors["team"] = team_errors
    return errors


def _write_parts(proposal: Proposal, *, budget_lines, milestones, team) -> None:
    if budget_lines is not None:
        proposal.budget_lines.all().delete()
        ProposalBudgetLine.objects.bulk_create(
            [
                ProposalBudgetLine(proposal=proposal, item=line["item"], amount=line["amount"], position=i)
                for i, line in enumerate(budget_lines)
            ]
        )
    if milestones is not None:
        proposal.milestones.all().delete()
        ProposalMilestone.objects.bulk_create(
            [
                ProposalMilestone(
                    proposal=proposal,
                    title=m["title"],
                    due_date=m["due_date"],
                    payment_percent=m["payment_percent"],
                    position=i,
                )
                for i, m in enumerate(milestones)
            ]
        )
    if team is not None:
        proposal.team.all().delete()
        ProposalTeamMember.objects.bulk_create(
            [ProposalTeamMember(proposal=proposal, worker=m["worker"], role=m.get("role", "")) for m in team]
        )


@transaction.atomic
def proposal_submit(
    *,
    actor: User,
    need: Need,
    organization: Organization,
    title: str,
    summary: str,
    approach: str,
    budget_lines: list[dict],
    milestones: list[dict],
    team: list[dict],
    draft: bool = False,
    now: dt.datetime | None = None,
) -> Proposal:
    """Submit (or save as draft) an organization's sealed bid."""
    now = _now(now)
    need = _lock_need(need)
    _require_bidder(actor, organization)
    _bidding_open(need, now)
    if need.proposals.filter(organization=organization, status__in=Proposal.LIVE_STATUSES).exists():
        raise StateConflict(_("This organization already has a live proposal for this need."))
    if not draft:
        errors = proposal_errors(
            need=need, organization=organization, budget_lines=budget_lines, milestones=milestones, team=team
        )
        if errors:
            raise ValidationFailed(field_errors=errors)
    proposal = Proposal(
        need=need,
        organization=organization,
        title=title,
        summary=summary,
        approach=approach,
        total_amount=proposal_total(budget_lines),
        status=Proposal.Status.DRAFT if draft else Proposal.Status.SUBMITTED,
        submitted_at=None if draft else now,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        raise StateConflict(_("This organization already has a live proposal for this need.")) from None
    _write_parts(proposal, budget_lines=budget_lines, milestones=milestones, team=team)
    return proposal


def _lock_own_proposal(actor: User, proposal: Proposal, now: dt.datetime) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("need", "organization").get(pk=proposal.pk)
    )
    if proposal.organization_id not in user_organization_ids(actor):
        raise PermissionDenied(_("Only the bidding organization may change its proposal."))
    if now >= proposal.need.bid_deadline:
        raise StateConflict(_("The bid deadline has passed."))
    if proposal.status not in Proposal.LIVE_STATUSES:
        raise StateConflict(_("This proposal can no longer be changed."))
    return proposal


@transaction.atomic
def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    budget_lines: list[dict] | None = None,
    milestones: list[dict] | None = None,
    team: list[dict] | None = None,
    submit: bool = False,
    now: dt.datetime | None = None,
    **fields,
) -> Proposal:
    """Change a live proposal before the deadline; a draft is submitted with ``submit=True``."""
    now = _now(now)
    proposal = _lock_own_proposal(actor, proposal, now)
    _bidding_open(proposal.need, now)
    for name in ("title", "summary", "approach"):
        if name in fields:
            setattr(proposal, name, fields[name])
    _write_parts(proposal, budget_lines=budget_lines, milestones=milestones, team=team)
    lines = [{"item": b.item, "amount": b.amount} for b in proposal.budget_lines.all()]
    proposal.total_amount = proposal_total(lines)
    if submit:
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = now
    if proposal.status == Proposal.Status.SUBMITTED:
        errors = proposal_errors(
            need=proposal.need,
            organization=proposal.organization,
            budget_lines=lines,
            milestones=[
                {"title": m.title, "due_date": m.due_date, "payment_percent": m.payment_percent}
                for m in proposal.milestones.all()
            ],
            team=[{"worker": t.worker, "role": t.role} for t in proposal.team.select_related("worker")],
        )
        if errors:
            raise ValidationFailed(field_errors=errors)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, now: dt.datetime | None = None) -> Proposal:
    now = _now(now)
    proposal = _lock_own_proposal(actor, proposal, now)
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_attachment_add(*, actor: User, proposal: Proposal, uploaded, now: dt.datetime | None = None):
    now = _now(now)
    proposal = _lock_own_proposal(actor, proposal, now)
    try:
        mime = validate_upload(uploaded)
    except ValidationError as exc:
        raise ValidationFailed(field_errors={"file": list(exc.messages)}) from None
    name = (uploaded.name or "file").rsplit("/", 1)[-1][:200]
    return ProposalAttachment.objects.create(
        proposal=proposal, file=uploaded, name=name, mime=mime, size=uploaded.size, uploaded_by=actor
    )


# Panel, declarations and scores ------------------------------------------------------------------


@transaction.atomic
def need_panel_set(*, actor: User, need: Need, reviewers: list[User]) -> list[PanelReviewer]:
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff assign panels."))
    need = _lock_need(need)
    if need.status not in (Need.Status.PUBLISHED, Need.Status.EVALUATING):
        raise StateConflict(_("A panel is assigned while the need is open or under evaluation."))
    not_reviewers = [u.username for u in reviewers if not user_has_role(u, Role.REVIEWER)]
    if not_reviewers:
        raise ValidationFailed(
            field_errors={
                "reviewers": [_("Not in the reviewer pool: %(names)s.") % {"names": ", ".join(not_reviewers)}]
            }
        )
    keep = {u.pk for u in reviewers}
    leaving = need.panel.exclude(reviewer_id__in=keep)
    if ProposalScore.objects.filter(proposal__need=need, reviewer_id__in=leaving.values("reviewer_id")).exists():
        raise StateConflict(_("A reviewer who already scored cannot leave the panel."))
    leaving.delete()
    existing = set(need.panel.values_list("reviewer_id", flat=True))
    PanelReviewer.objects.bulk_create([PanelReviewer(need=need, reviewer=u) for u in reviewers if u.pk not in existing])
    return list(need.panel.select_related("reviewer"))


def _apply_recusal(*, seat: PanelReviewer, now: dt.datetime) -> None:
    reason = panel_seat_conflict_reason(seat=seat, now=now)
    if seat.declared_conflict and not reason:
        reason = _("Declared a conflict of interest.")
    seat.recused = bool(reason)
    seat.recused_reason = reason[:300]
    seat.save(update_fields=["recused", "recused_reason"])


@transaction.atomic
def reviewer_declare(
    *, actor: User, need: Need, conflict: bool, note: str = "", now: dt.datetime | None = None
) -> PanelReviewer:
    """The reviewer declares (before seeing anything); ties to a bidder or the community recuse
    them whatever they declare, with the reason recorded."""
    now = _now(now)
    seat = PanelReviewer.objects.select_for_update().select_related("need").filter(need=need, reviewer=actor).first()
    if seat is None:
        raise PermissionDenied(_("You are not on this need's panel."))
    if seat.declared_at is not None:
        raise StateConflict(_("You have already declared."))
    if need.status in (Need.Status.CANCELLED, Need.Status.AWARDED, Need.Status.FAILED):
        raise StateConflict(_("This need is no longer under review."))
    seat.declared_at = now
    seat.declared_conflict = bool(conflict)
    seat.note = (note or "")[:1000]
    seat.save(update_fields=["declared_at", "declared_conflict", "note"])
    _apply_recusal(seat=seat, now=now)
    return seat


def weighted_total(scores: dict[str, int]) -> Decimal:
    total = sum((Decimal(scores[code]) * weight for code, weight in RUBRIC_WEIGHTS.items()), Decimal("0"))
    return (total / HUNDRED).quantize(CENT)


def _clean_scores(scores) -> dict[str, int]:
    if not isinstance(scores, dict):
        raise ValidationFailed(field_errors={"scores": [_("Give a score for every criterion.")]})
    problems = []
    labels = {item["code"]: item["name"] for item in rubric_items()}
    missing = sorted(set(RUBRIC_WEIGHTS) - set(scores))
    unknown = sorted(set(scores) - set(RUBRIC_WEIGHTS))
    if missing:
        problems.append(_("Missing criteria: %(codes)s.") % {"codes": ", ".join(labels[c] for c in missing)})
    if unknown:
        problems.append(_("Unknown criteria: %(codes)s.") % {"codes": ", ".join(str(c)[:40] for c in unknown)})
    clean = {}
    for code in RUBRIC_WEIGHTS:
        value = scores.get(code)
        if code in missing:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            problems.append(_("%(criterion)s: a whole number from 0 to 100.") % {"criterion": labels[code]})
        else:
            clean[code] = value
    if problems:
        raise ValidationFailed(field_errors={"scores": problems})
    return clean


@transaction.atomic
def proposal_score(
    *, actor: User, proposal: Proposal, scores: dict, comment: str = "", now: dt.datetime | None = None
) -> ProposalScore:
    """Caller has already checked the actor may see the proposal (access.proposal_get_for_user)."""
    now = _now(now)
    need = _lock_need(proposal.need)
    if need.status == Need.Status.PUBLISHED and now >= need.bid_deadline:
        # The deadline opens the bids by the clock: close bidding now (applying the recusals)
        # rather than wait for bidding_close_deadlines.
        need = need_close_bidding(need=need, now=now)
    seat = PanelReviewer.objects.filter(need=need, reviewer=actor).first()
    if seat is None or not seat.may_review:
        raise PermissionDenied(_("Only the panel's declared, non-recused reviewers score."))
    if now < need.bid_deadline or need.status != Need.Status.EVALUATING:
        raise StateConflict(_("Scores are given while the need is under evaluation."))
    if proposal.status != Proposal.Status.SUBMITTED:
        raise StateConflict(_("This proposal is not eligible."))
    clean = _clean_scores(scores)
    score, _created = ProposalScore.objects.update_or_create(
        proposal=proposal,
        reviewer=actor,
        defaults={"scores": clean, "comment": (comment or "")[:5000], "weighted_total": weighted_total(clean)},
    )
    return score


# Award, notice, objections ----------------------------------------------------------------------


def proposal_final_score(totals: list[Decimal]) -> Decimal:
    """Mean of the weighted totals; with five or more reviewers the highest and lowest are dropped."""
    values = sorted(totals)
    if len(values) >= 5:
        values = values[1:-1]
    return Decimal(mean(values)).quantize(CENT)


def need_ranking_compute(*, need: Need) -> list[dict]:
    """409 unless every non-recused reviewer scored every eligible proposal."""
    eligible = list(need.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("organization"))
    if not eligible:
        raise StateConflict(_("There is no eligible proposal to award."))
    reviewers = list(need.panel.filter(recused=False).values_list("reviewer_id", flat=True))
    if not reviewers:
        raise StateConflict(_("The panel has no reviewer who may score."))
    given: dict[int, dict[int, Decimal]] = {}
    for s in ProposalScore.objects.filter(proposal__in=eligible, reviewer_id__in=reviewers):
        given.setdefault(s.proposal_id, {})[s.reviewer_id] = s.weighted_total
    missing = sum(1 for p in eligible for r in reviewers if r not in given.get(p.pk, {}))
    if missing:
        raise StateConflict(_("%(n)s scores are still missing.") % {"n": missing})
    rows = [(proposal_final_score(list(given[p.pk].values())), p) for p in eligible]
    rows.sort(key=lambda row: (-row[0], row[1].total_amount, row[1].submitted_at, row[1].pk))
    return [
        {
            "rank": i + 1,
            "proposal": p.pk,
            "organization": p.organization_id,
            "organization_name": p.organization.name,
            "score": str(score),
            "total_amount": str(p.total_amount),
        }
        for i, (score, p) in enumerate(rows)
    ]


@transaction.atomic
def need_award(*, actor: User, need: Need, now: dt.datetime | None = None) -> Need:
    """Award the top-ranked proposal and reserve its grant from the need's fund, in one database
    transaction: a fund that can't cover it is a 409 naming the shortfall, and nothing changes."""
    now = _now(now)
    need = _lock_need(need)
    if not (is_platform_staff(actor) or need.community_id in user_community_ids(actor)):
        raise PermissionDenied(_("Only platform staff or the community's staff award."))
    if need.status != Need.Status.EVALUATING:
        raise StateConflict(_("Only a need under evaluation can be awarded."))
    ranking = need_ranking_compute(need=need)
    winner = need.proposals.get(pk=ranking[0]["proposal"])
    award_reserve(need=need, proposal=winner)
    need.status = Need.Status.NOTICE
    need.awarded_proposal = winner
    need.awarded_at = now
    need.notice_ends_at = now + dt.timedelta(days=policy_current().award_notice_days)
    need.ranking = ranking
    need.save(update_fields=["status", "awarded_proposal", "awarded_at", "notice_ends_at", "ranking", "updated_at"])
    notify_award_notice(need_id=need.pk)
    return need


@transaction.atomic
def objection_file(*, actor: User, need: Need, text: str, now: dt.datetime | None = None) -> Objection:
    now = _now(now)
    need = _lock_need(need)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to object."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(field_errors={"text": [_("Write your objection.")]})
    if need.status != Need.Status.NOTICE or now >= need.notice_ends_at:
        raise StateConflict(_("Objections are accepted only during the award notice."))
    objection = Objection.objects.create(need=need, proposal=need.awarded_proposal, filed_by=actor, text=text[:5000])
    notify_objection_filed(objection_id=objection.pk)
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, upheld: bool, decision: str = "", now: dt.datetime | None = None
) -> Objection:
    """Platform staff decide with a written reason (at least ``DECISION_MIN_LENGTH`` characters),
    which is public and sent to the objector. An upheld objection withdraws the award
    (``award_withdraw``)."""
    now = _now(now)
    if not is_platform_staff(actor):
        raise PermissionDenied(_("Only platform staff resolve objections."))
    decision = (decision or "").strip()
    if len(decision) < Objection.DECISION_MIN_LENGTH:
        raise ValidationFailed(
            field_errors={
                "decision": [
                    _(
                        "Write the reason for the decision, at least %(n)s characters; the objector and the public read it."
                    )
                    % {"n": Objection.DECISION_MIN_LENGTH}
                ]
            }
        )
    need = _lock_need(objection.need)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise StateConflict(_("This objection is already resolved."))
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.decision = decision[:5000]
    objection.resolved_by = actor
    objection.resolved_at = now
    objection.save(update_fields=["status", "decision", "resolved_by", "resolved_at"])
    if upheld and need.status == Need.Status.NOTICE and need.awarded_proposal_id == objection.proposal_id:
        award_withdraw(actor=actor, need=need, decision=decision, now=now)
    notify_objection_decided(objection_id=objection.pk)
    return objection


def award_withdraw(*, actor: User, need: Need, decision: str, now: dt.datetime) -> Need:
    """The award of a need in its notice is withdrawn (an objection upheld): the winner is
    excluded, its grant reservation voided, the other open objections against it are upheld with
    the same decision, and the need goes back to evaluation (or fails when no eligible bid is
    left). The caller holds the need's row lock."""
    winner_id = need.awarded_proposal_id
    award_release(proposal=need.awarded_proposal, memo=_("Objection upheld"))
    Proposal.objects.filter(pk=winner_id).update(status=Proposal.Status.EXCLUDED)
    others = list(
        need.objections.filter(status=Objection.Status.OPEN, proposal_id=winner_id).values_list("pk", flat=True)
    )
    need.objections.filter(pk__in=others).update(
        status=Objection.Status.UPHELD, decision=decision[:5000], resolved_by=actor, resolved_at=now
    )
    left = need.proposals.filter(status=Proposal.Status.SUBMITTED).exists()
    need.status = Need.Status.EVALUATING if left else Need.Status.FAILED
    need.awarded_proposal = None
    need.awarded_at = None
    need.notice_ends_at = None
    need.ranking = []
    need.save(update_fields=["status", "awarded_proposal", "awarded_at", "notice_ends_at", "ranking", "updated_at"])
    for pk in others:
        notify_objection_decided(objection_id=pk)
    return need


def award_finalization_blockers(*, need: Need) -> list[str]:
    """What keeps a notice whose grant is reserved from becoming a project.

    The winning organization is no longer verified (suspended, rejected), or a worker named on its
    team is no longer employed by it, verified, or qualified at the need's level through the end
    of the service: the award was made to that organization and team, and the project would start
    with a team the proposal rules refuse. Money is not on the list: it was reserved at the award.
    """
    winner = need.awarded_proposal
    organization = winner.organization
    reasons = []
    if organization.status != Organization.Status.VERIFIED:
        reasons.append(
            _("The winning organization %(name)s is no longer verified (%(status)s).")
            % {"name": organization.name, "status": organization.get_status_display()}
        )
    for member in winner.team.select_related("worker"):
        worker = member.worker
        if not organization_employs(organization_id=organization.pk, user_id=worker.user_id):
            reasons.append(_("%(name)s is no longer employed by the winning organization.") % {"name": worker.name})
        elif not worker_is_qualified_on(worker, need.service_end, need.min_worker_level):
            reasons.append(
                _("%(name)s is no longer verified, qualified or registered through the end of the service.")
                % {"name": worker.name}
            )
    return reasons


@transaction.atomic
def need_finalize_award(*, need: Need, now: dt.datetime | None = None):
    """The notice ended with no upheld (nor open) objection: award and create the project, which
    takes over the award's reservation.

    An award that can no longer become a project (``award_finalization_blockers``; or, for an
    award made before awards reserved their grant, a fund that can't cover it now) makes the need
    ``stalled`` with the reason, notifies its community's staff and platform staff, and returns
    None. Nothing retries a stalled need: staff cancel it, which releases the reservation.
    """
    now = _now(now)
    need = _lock_need(need)
    if need.status != Need.Status.NOTICE:
        raise StateConflict(_("Only a need in its award notice can be finalized."))
    if now < need.notice_ends_at:
        raise StateConflict(_("The award notice has not ended."))
    if need.objections.filter(status=Objection.Status.OPEN).exists():
        raise StateConflict(_("An objection is still open."))
    winner = need.awarded_proposal
    reasons = award_finalization_blockers(need=need)
    if not reasons:
        try:
            award_reserve(need=need, proposal=winner)  # finds the award's reservation
        except FundShortfall as exc:
            reasons.append(exc.message)
    if reasons:
        _stall(need=need, reason=" ".join(reasons))
        return None
    need.status = Need.Status.AWARDED
    need.save(update_fields=["status", "updated_at"])
    Proposal.objects.filter(pk=winner.pk).update(status=Proposal.Status.AWARDED)
    need.proposals.filter(status=Proposal.Status.SUBMITTED).update(status=Proposal.Status.NOT_AWARDED)
    winner.refresh_from_db()
    return project_create_from_award(need=need, proposal=winner)


def _stall(*, need: Need, reason: str) -> None:
    need.status = Need.Status.STALLED
    need.stalled_reason = reason[:1000]
    need.save(update_fields=["status", "stalled_reason", "updated_at"])
    notify_award_stalled(need_id=need.pk)


# Questions and follows (#21) ------------------------------------------------------------------


def _asking_organization(actor: User, organization: Organization | None) -> Organization:
    verified = Organization.objects.filter(pk__in=user_organization_ids(actor), status=Organization.Status.VERIFIED)
    if organization is not None:
        if organization.pk not in user_organization_ids(actor):
            raise PermissionDenied(_("Only members of the organization may ask for it."))
        if organization.status != Organization.Status.VERIFIED:
            raise PermissionDenied(_("Only verified organizations may ask questions."))
        return organization
    chosen = verified.order_by("pk").first()
    if chosen is None:
        raise PermissionDenied(_("Only members of a verified organization may ask questions."))
    return chosen


@transaction.atomic
def question_ask(
    *,
    actor: User,
    need: Need,
    text: str,
    organization: Organization | None = None,
    now: dt.datetime | None = None,
) -> Question:
    """A verified organization asks a question while bidding is open, until
    ``question_deadline_days`` (policy) before the bid deadline. Who asked is kept, never shown."""
    now = _now(now)
    need = _lock_need(need)
    organization = _asking_organization(actor, organization)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(field_errors={"text": [_("Write your question.")]})
    if len(text) > Question.TEXT_MAX_LENGTH:
        raise ValidationFailed(
            field_errors={"text": [_("At most %(n)s characters.") % {"n": Question.TEXT_MAX_LENGTH}]}
        )
    if need.status != Need.Status.PUBLISHED or now >= need.bid_deadline:
        raise StateConflict(_("Questions are asked only while the need is open for bids."))
    closes = question_deadline(need=need)
    if now >= closes:
        raise StateConflict(
            _("Questions closed at %(closes)s, %(days)s days before the bid deadline.")
            % {
                "closes": local_datetime(closes),
                "days": policy_current().question_deadline_days,
            }
        )
    question = Question.objects.create(need=need, organization=organization, asked_by=actor, text=text, asked_at=now)
    notify_question_asked(question_id=question.pk)
    return question


@transaction.atomic
def question_answer(
    *,
    actor: User,
    question: Question,
    answer: str,
    changes_terms: bool = False,
    now: dt.datetime | None = None,
) -> Question:
    """The need's community staff answer in public. An answer that changes the need's terms
    extends the bid deadline by ``clarification_extension_days`` (policy), recorded on the question;
    bidders (drafts included) and followers are notified."""
    now = _now(now)
    need = _lock_need(question.need)
    if need.community_id not in user_community_ids(actor):
        raise PermissionDenied(_("Only the staff of the need's community may answer its questions."))
    question = Question.objects.select_for_update().get(pk=question.pk)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(field_errors={"answer": [_("Write the answer.")]})
    if question.answered_at is not None:
        raise StateConflict(_("This question is already answered."))
    if need.status in (Need.Status.CANCELLED, Need.Status.DRAFT):
        raise StateConflict(_("This need is cancelled; its questions are closed."))
    question.answer = answer[:5000]
    question.answered_by = actor
    question.answered_at = now
    fields = ["answer", "answered_by", "answered_at"]
    if changes_terms:
        if need.status != Need.Status.PUBLISHED or now >= need.bid_deadline:
            raise StateConflict(_("The terms can change only while bidding is open; the bid deadline has passed."))
        extended = need.bid_deadline + dt.timedelta(days=policy_current().clarification_extension_days)
        if timezone.localtime(extended).date() > need.service_start:
            raise StateConflict(
                _(
                    "The extended bid deadline (%(deadline)s) would fall after the service starts (%(start)s). "
                    "Answer without changing the terms, or cancel the need and publish it again."
                )
                % {"deadline": local_datetime(extended), "start": local_date(need.service_start)}
            )
        question.changes_terms = True
        question.deadline_extended_from = need.bid_deadline
        question.deadline_extended_to = extended
        fields += ["changes_terms", "deadline_extended_from", "deadline_extended_to"]
        need.bid_deadline = extended
        need.save(update_fields=["bid_deadline", "updated_at"])
        # Drafts are reminded again before the new deadline.
        need.proposals.filter(status=Proposal.Status.DRAFT).update(deadline_reminder_sent_at=None)
    question.save(update_fields=fields)
    notify_question_answered(question_id=question.pk)
    return question


def need_follow(*, actor: User, need: Need) -> NeedFollow:
    """Follow a published (or later) need; following twice keeps one follow."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to follow a need."))
    if need.status == Need.Status.DRAFT:
        raise StateConflict(_("A draft cannot be followed."))
    follow, _created = NeedFollow.objects.get_or_create(need=need, user=actor)
    return follow


def need_unfollow(*, actor: User, need: Need) -> None:
    NeedFollow.objects.filter(need=need, user=actor).delete()
