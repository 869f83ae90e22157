"""Demo data for oversight: the communities' delivery ratings and hours plans for the demo
projects, then the daily rollups of the past year, so the dashboard, scorecards and monthly
reports show figures as soon as the demo city is loaded.

The large demo city (``seed_demo --size large``) is bulk-inserted here first, after every app's
small demo and before the search index is rebuilt (apps/core/large_demo.py); it rebuilds the
rollups of its whole period itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.core.demo import DemoContext

PLANNED_HOURS_PER_DAY = Decimal("1.5")


def seed(ctx: DemoContext) -> None:
    from apps.accounts.models import Membership, Role
    from apps.projects.models import Milestone, Project
    from apps.stats.models import DeliveryRating, HoursPlan
    from apps.stats.services import rollup_rebuild

    if ctx.large:
        from apps.core.large_demo import seed as seed_large

        seed_large(ctx)
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
