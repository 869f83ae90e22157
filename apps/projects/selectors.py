from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.bidding.models import Need
from apps.core.aggregates import DecimalSum
from apps.core.errors import ValidationFailed
from apps.core.models import localized_name
from apps.core.money import MoneyMove, decimal_to_fen
from apps.funds.payouts import milestone_payout_preview
from apps.funds.selectors import fund_account_display
from apps.projects.access import community_projects_for_user, service_logs_for_user
from apps.projects.filters import CommunityProjectFilter, ProjectFilter, ServiceLogFilter
from apps.projects.models import Milestone, Project, ProjectTeamMember, ServiceLog
from apps.workers.models import SocialWorker

ZERO = Decimal("0.00")


def project_list(*, filters: dict | None = None) -> QuerySet[Project]:
    qs = Project.objects.select_related("need", "organization", "community").prefetch_related(
        Prefetch("team", queryset=ProjectTeamMember.objects.select_related("worker")),
        Prefetch("milestones", queryset=Milestone.objects.all()),
    )
    return ProjectFilter(filters or {}, queryset=qs).qs


def service_log_list(*, user, filters: dict | None = None) -> QuerySet[ServiceLog]:
    qs = service_logs_for_user(user).select_related("worker", "project", "project__community")
    filterset = ServiceLogFilter(filters or {}, queryset=qs)
    if not filterset.is_valid():
        raise ValidationFailed(field_errors={f: list(e) for f, e in filterset.errors.items()})
    return filterset.qs


QUEUE_FILTERS = ("project", "worker", "date_from", "date_to")


def _queue_scope(*, user, organization_ids, community_ids) -> QuerySet[ServiceLog]:
    """The records ``user`` may see of the given organizations (approval) or communities
    (confirmation)."""
    qs = service_logs_for_user(user)
    if organization_ids is not None:
        qs = qs.filter(project__organization_id__in=organization_ids)
    if community_ids is not None:
        qs = qs.filter(project__community_id__in=community_ids)
    return qs


def service_log_queue(
    *, user, status: str, organization_ids=None, community_ids=None, filters=None
) -> QuerySet[ServiceLog]:
    """A review queue, oldest service first: the records in ``status`` that ``user`` may see, of
    the given organizations (approval) or communities (confirmation), narrowed by the
    ``ServiceLogFilter`` fields a queue offers (project, worker, dates)."""
    qs = _queue_scope(user=user, organization_ids=organization_ids, community_ids=community_ids).filter(status=status)
    data = {key: value for key, value in (filters or {}).items() if key in QUEUE_FILTERS}
    return (
        ServiceLogFilter(data, queryset=qs).qs.select_related("worker", "project").order_by("date", "start_time", "id")
    )


def service_log_queue_choices(
    *, user, organization_ids=None, community_ids=None
) -> tuple[QuerySet[Project], QuerySet[SocialWorker]]:
    """What a review queue's filter offers, by name: the projects and the workers of the records
    ``user`` may see in that queue's organizations or communities, in any status (a choice stays
    valid once its records are approved); nobody without a record there is offered."""
    logs = _queue_scope(user=user, organization_ids=organization_ids, community_ids=community_ids)
    projects = Project.objects.filter(pk__in=logs.values("project_id")).order_by("title", "pk")
    workers = SocialWorker.objects.filter(pk__in=logs.values("worker_id")).order_by("name", "pk")
    return projects, workers


def service_log_queue_selection(
    *, user, ids, status: str | None = None, organization_ids=None, community_ids=None
) -> QuerySet[ServiceLog]:
    """The ticked records of a review queue that ``user`` may act on: those among ``ids`` that
    ``user`` may see, of the given organizations (approval) or communities (confirmation) and, if
    given, in ``status``; any other id is left out."""
    qs = _queue_scope(user=user, organization_ids=organization_ids, community_ids=community_ids).filter(pk__in=ids)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.select_related("worker", "project")


def worker_confirmed_logs(*, worker: SocialWorker, evidence: str = "") -> QuerySet[ServiceLog]:
    """What counts for the worker: confirmed records not replaced by a confirmed correction; only
    those evidenced by check-in at the place when ``evidence`` is ``"checkin"``."""
    qs = (
        ServiceLog.objects.counted()
        .filter(worker=worker)
        .select_related("project", "project__need__category", "project__community")
    )
    if evidence == ServiceLog.Evidence.CHECKIN:
        qs = qs.filter(evidence=ServiceLog.Evidence.CHECKIN)
    return qs


def worker_hours_summary(*, worker: SocialWorker, year: int) -> dict:
    """CONTRACT's ``hours-summary``: confirmed hours of one year, per project."""
    rows = (
        ServiceLog.objects.counted()
        .filter(worker=worker, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
        .values("project_id", "project__title")
        .annotate(hours=DecimalSum("hours"))
        .order_by("project_id")
    )
    projects = [{"project": r["project_id"], "title": r["project__title"], "hours": r["hours"]} for r in rows]
    return {"year": year, "confirmed_hours": sum((p["hours"] for p in projects), ZERO), "projects": projects}


def worker_hours_breakdown(*, worker: SocialWorker, evidence: str = "") -> dict:
    """The worker's page: confirmed hours by year, by project, by category and by how they are
    evidenced (check-in at the place or the community's confirmation), plus the total; only the
    check-in ones when ``evidence`` is ``"checkin"``."""
    logs = worker_confirmed_logs(worker=worker, evidence=evidence)
    by_year = list(
        logs.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(hours=DecimalSum("hours"), n=Count("id"))
        .order_by("-year")
    )
    by_project = list(
        logs.values("project_id", "project__title", "project__community__name")
        .annotate(hours=DecimalSum("hours"), n=Count("id"))
        .order_by("-hours", "project_id")
    )
    by_category = [
        {**row, "label": localized_name(row["project__need__category__name"], row["project__need__category__name_en"])}
        for row in logs.values(
            "project__need__category__code", "project__need__category__name", "project__need__category__name_en"
        )
        .annotate(hours=DecimalSum("hours"))
        .order_by("-hours")
    ]
    by_evidence = [
        {
            **row,
            "label": ServiceLog.Evidence(row["evidence"]).label,
            "witness_label": witness_role_label(row["evidence"], row["witness_role"]),
        }
        for row in logs.values("evidence", "witness_role")
        .annotate(hours=DecimalSum("hours"), n=Count("id"))
        .order_by("evidence", "witness_role")
    ]
    total = sum((r["hours"] for r in by_year), ZERO)
    pending = defaultdict(lambda: ZERO)
    for row in (
        ServiceLog.objects.filter(worker=worker, status__in=("submitted", "approved"))
        .values("status")
        .annotate(hours=DecimalSum("hours"))
    ):
        pending[row["status"]] = row["hours"]
    return {
        "total": total,
        "records": sum(r["n"] for r in by_year),
        "by_year": by_year,
        "by_project": by_project,
        "by_category": by_category,
        "by_evidence": by_evidence,
        "pending": [
            {"status": status, "label": ServiceLog.Status(status).label, "hours": hours}
            for status, hours in pending.items()
        ],
    }


def worker_record_lines(*, worker: SocialWorker, evidence: str = "", limit: int = 500) -> list[dict]:
    """The first ``limit`` lines of a worker's service record, oldest first: when, where, how many
    hours, how each is evidenced and the role of who vouches for it."""
    logs = worker_confirmed_logs(worker=worker, evidence=evidence).order_by("date", "start_time", "id")
    return [
        {
            "log": log,
            "evidence_label": log.get_evidence_display(),
            "witness_label": witness_role_label(log.evidence, log.witness_role),
        }
        for log in logs[:limit]
    ]


def witness_role_label(evidence: str, witness_role: str) -> str:
    """Who vouches for a record, by role: the community member whose code was scanned at the
    place (community staff or grid worker), or the community's staff who confirmed it."""
    if evidence == ServiceLog.Evidence.CHECKIN and witness_role in Role.values:
        return str(Role(witness_role).label)
    return str(Role.COMMUNITY_STAFF.label)


def hours_delivered_in_year(year: int) -> Decimal:
    """Service hours confirmed by communities in ``year`` (home page figure); corrections replace
    the records they supersede."""
    total = ServiceLog.objects.counted().filter(date__year=year).aggregate(hours=DecimalSum("hours"))["hours"]
    return total or Decimal("0.00")


def milestones_due(*, organization_ids, by: dt.date) -> QuerySet[Milestone]:
    """The milestone reports the organizations still owe on their active projects, due by ``by``."""
    return Milestone.objects.filter(
        project__organization_id__in=organization_ids,
        project__status=Project.Status.ACTIVE,
        status__in=(Milestone.Status.PENDING, Milestone.Status.RETURNED),
        due_date__lte=by,
    )


def milestone_accept_preview(*, milestone: Milestone) -> MoneyMove:
    """What accepting a submitted milestone would pay, from which of the fund's money to the
    organization; moves nothing (``services.milestone_accept`` pays)."""
    project = milestone.project
    payee = project.organization.name
    payout = milestone_payout_preview(milestone=milestone)
    notes = []
    if not project.milestones.exclude(pk=milestone.pk).exclude(status=Milestone.Status.ACCEPTED).exists():
        notes.append(_("This is the project's last milestone: the project is then completed."))
    if payout is None:
        notes.append(_("This project is not paid from a fund on the platform: accepting books no money."))
        return MoneyMove(amount_fen=decimal_to_fen(milestone.amount), source="—", payee=payee, notes=notes)
    amount, source = payout
    notes.append(_("The payment is booked in the fund's public books and cannot be undone."))
    fund = project.need.fund
    return MoneyMove(amount_fen=amount, source=fund_account_display(fund, source), payee=payee, notes=notes)


def organization_project_figures(*, organization, date_from: dt.date, date_to: dt.date) -> dict:
    """Public figures of one organization: awards (public after the notice), projects, money paid
    for accepted milestones, and confirmed service hours. Bids still sealed are never counted."""
    awards = Need.objects.filter(
        awarded_proposal__organization=organization,
        status__in=(Need.Status.NOTICE, Need.Status.AWARDED),
        awarded_at__date__gte=date_from,
        awarded_at__date__lte=date_to,
    ).count()
    projects = Project.objects.filter(organization=organization)
    by_status = {row["status"]: row["n"] for row in projects.values("status").annotate(n=Count("id"))}
    contract = projects.filter(created_at__date__gte=date_from, created_at__date__lte=date_to).aggregate(
        amount=Sum("amount")
    )["amount"]
    paid = Milestone.objects.filter(
        project__organization=organization,
        status=Milestone.Status.ACCEPTED,
        accepted_at__date__gte=date_from,
        accepted_at__date__lte=date_to,
    ).aggregate(amount=Sum("amount"))["amount"]
    hours = (
        ServiceLog.objects.counted()
        .filter(project__organization=organization, date__gte=date_from, date__lte=date_to)
        .aggregate(hours=DecimalSum("hours"), served=Sum("beneficiaries_served"))
    )
    return {
        "awards": awards,
        "projects_active": by_status.get("active", 0),
        "projects_completed": by_status.get("completed", 0),
        "contract_amount": str(Decimal(contract or 0).quantize(Decimal("0.01"))),
        "paid_amount": str(Decimal(paid or 0).quantize(Decimal("0.01"))),
        "hours_confirmed": str(Decimal(hours["hours"] or 0).quantize(Decimal("0.01"))),
        "beneficiaries_served": hours["served"] or 0,
    }


def community_project_list(*, user, filters=None) -> QuerySet[Project]:
    """The projects of ``user``'s communities (community staff), newest first, narrowed by
    ``CommunityProjectFilter``; each with ``paid`` (accepted milestones' payments), ``remaining``
    (of the contract amount) and ``open_milestones`` (those not yet accepted, next first)."""
    paid = Coalesce(
        Sum("milestones__paid_amount", filter=Q(milestones__status=Milestone.Status.ACCEPTED)),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    qs = (
        community_projects_for_user(user)
        .select_related("organization", "community")
        .annotate(paid=paid, remaining=F("amount") - paid)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.exclude(status=Milestone.Status.ACCEPTED).order_by("position", "id"),
                to_attr="open_milestones",
            )
        )
        .order_by("-created_at", "-id")
    )
    return CommunityProjectFilter(filters or {}, queryset=qs).qs
