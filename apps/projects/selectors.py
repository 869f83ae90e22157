from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import ExtractYear

from apps.core.errors import ValidationFailed
from apps.projects.access import service_logs_for_user
from apps.projects.filters import ProjectFilter, ServiceLogFilter
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


def worker_confirmed_logs(*, worker: SocialWorker) -> QuerySet[ServiceLog]:
    """What counts for the worker: confirmed records not replaced by a confirmed correction."""
    return ServiceLog.objects.filter(
        worker=worker, status=ServiceLog.Status.CONFIRMED, superseded_at__isnull=True
    ).select_related("project", "project__need__category", "project__community")


def worker_hours_summary(*, worker: SocialWorker, year: int) -> dict:
    """CONTRACT's ``hours-summary``: confirmed hours of one year, per project."""
    rows = (
        ServiceLog.objects.filter(
            worker=worker,
            status=ServiceLog.Status.CONFIRMED,
            superseded_at__isnull=True,
            date__gte=dt.date(year, 1, 1),
            date__lte=dt.date(year, 12, 31),
        )
        .values("project_id", "project__title")
        .annotate(hours=Sum("hours"))
        .order_by("project_id")
    )
    projects = [{"project": r["project_id"], "title": r["project__title"], "hours": r["hours"]} for r in rows]
    return {"year": year, "confirmed_hours": sum((p["hours"] for p in projects), ZERO), "projects": projects}


def worker_hours_breakdown(*, worker: SocialWorker) -> dict:
    """The worker's page: confirmed hours by year, by project and by category, plus the total."""
    logs = worker_confirmed_logs(worker=worker)
    by_year = list(
        logs.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(hours=Sum("hours"), n=Count("id"))
        .order_by("-year")
    )
    by_project = list(
        logs.values("project_id", "project__title", "project__community__name")
        .annotate(hours=Sum("hours"), n=Count("id"))
        .order_by("-hours", "project_id")
    )
    by_category = list(
        logs.values("project__need__category__code", "project__need__category__name")
        .annotate(hours=Sum("hours"))
        .order_by("-hours")
    )
    total = sum((r["hours"] for r in by_year), ZERO)
    pending = defaultdict(lambda: ZERO)
    for row in (
        ServiceLog.objects.filter(worker=worker, status__in=("submitted", "approved"))
        .values("status")
        .annotate(hours=Sum("hours"))
    ):
        pending[row["status"]] = row["hours"]
    return {
        "total": total,
        "records": sum(r["n"] for r in by_year),
        "by_year": by_year,
        "by_project": by_project,
        "by_category": by_category,
        "pending": dict(pending),
    }


def hours_delivered_in_year(year: int) -> Decimal:
    """Service hours confirmed by communities in ``year`` (home page figure); corrections replace
    the records they supersede."""
    total = ServiceLog.objects.filter(
        status=ServiceLog.Status.CONFIRMED, superseded_at__isnull=True, date__year=year
    ).aggregate(hours=Sum("hours"))["hours"]
    return total or Decimal("0.00")
