"""Demo data for oversight: the communities' delivery ratings and hours plans for the demo
projects, then the daily rollups of the past year, so the dashboard, scorecards and monthly
reports show figures as soon as the demo city is loaded.

The large size rebuilds the rollups of its whole period (``seed_large``) once its records and
books are in; the ratings and plans then cover its first 500 projects."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from apps.accounts.models import Membership, Role
from apps.core.demo import DemoContext, demo_step
from apps.projects.models import DeliveryRating, Milestone, Project
from apps.stats.models import HoursPlan
from apps.stats.services import rollup_rebuild

PLANNED_HOURS_PER_DAY = Decimal("1.5")


@demo_step("stats.large", size="large", after=("projects.large", "funds.large"), atomic=False)
def seed_large(ctx: DemoContext) -> None:
    """The rollups of the whole period; the city's a month at a time, each month committed (the
    figures of a month of ten million records fit in memory, those of two years would not)."""
    ctx.log(f"{ctx.size} demo: stats rollups …")
    t0 = time.monotonic()
    first = ctx.today - dt.timedelta(days=800)
    if ctx.city:
        rows, start = 0, first.replace(day=1)
        while start <= ctx.today:
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            rows += rollup_rebuild(date_from=start, date_to=min(end, ctx.today))
            start = end + dt.timedelta(days=1)
    else:
        rows = rollup_rebuild(date_from=first, date_to=ctx.today)
    ctx.log(f"  stats rollups: {rows:,} rows in {time.monotonic() - t0:.1f} s")
    counts = ctx.data["large_counts"]
    ctx.log(f"{ctx.size} demo: {counts['service_logs']:,} records, {counts['transfers']:,} transfers")


@demo_step("stats", after=("projects", "projects.large", "stats.large"))
def seed(ctx: DemoContext) -> None:
    projects = Project.objects.select_related("community").order_by("pk")
    if ctx.large:
        projects = projects[:500]
    for project in projects:
        staff = (
            Membership.objects.active()
            .filter(role=Role.COMMUNITY_STAFF, community=project.community)
            .select_related("user")
            .first()
        )
        if staff is None:
            continue
        days = (project.end_date - project.start_date).days + 1
        HoursPlan.objects.update_or_create(
            project=project, defaults={"planned_hours": PLANNED_HOURS_PER_DAY * days, "set_by": staff.user}
        )
        for milestone in project.milestones.filter(status=Milestone.Status.ACCEPTED, delivery_rating__isnull=True):
            DeliveryRating.objects.create(
                project=project,
                milestone=milestone,
                rating=ctx.rng.choice((3, 4, 4, 5, 5)),
                comment="按计划完成，居民反馈良好",
                rated_by=staff.user,
                rated_on=milestone.accepted_at.date() if milestone.accepted_at else ctx.today,
            )
    if not ctx.large:  # ratings and plans feed the scorecards, not the rollups
        rollup_rebuild(date_from=ctx.today - dt.timedelta(days=400), date_to=ctx.today)
