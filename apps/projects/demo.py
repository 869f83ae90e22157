"""Demo: projects in progress with service-hour records in every state.

Uses the bidding demo's projects (ctx.data["projects"]) when there are some, else makes two
projects from Need/Proposal rows. The ``large`` size (≥1,000,000 records) is not built here yet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.core.demo import DemoContext

SLOTS = [(dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 0), dt.time(17, 0))]
PLACES = ["社区党群服务中心", "长者食堂", "居民小组活动室", "儿童之家", "小区院坝"]
CONTENTS = [
    "入户探访独居老人，了解生活需求",
    "组织长者助餐并协助用餐",
    "开展亲子阅读小组活动",
    "居民议事会协商院落环境",
    "心理支持小组第{n}次活动",
]


def _make_project(
    ctx: DemoContext, *, community, organization, workers, title, category, amount, created_by, fund=None
):
    from apps.bidding.models import Need, Proposal, ProposalMilestone, ProposalTeamMember
    from apps.core.models import Category
    from apps.projects.services import project_create_from_award

    start = ctx.today - dt.timedelta(days=90)
    need = Need.objects.create(
        community=community,
        title=title,
        description=f"{community.name}{title}，面向辖区居民。",
        category=Category.objects.get(code=category),
        beneficiaries=120,
        budget_min=amount - Decimal(20000),
        budget_max=amount + Decimal(20000),
        service_start=start,
        service_end=ctx.today + dt.timedelta(days=270),
        min_worker_level="assistant",
        workers_needed=len(workers),
        bid_deadline=ctx.now - dt.timedelta(days=110),
        fund=fund,
        status=Need.Status.AWARDED,
        published_at=ctx.now - dt.timedelta(days=125),
        awarded_at=ctx.now - dt.timedelta(days=100),
        created_by=created_by,
    )
    proposal = Proposal.objects.create(
        need=need,
        organization=organization,
        title=title,
        summary=f"{organization.name}承接{title}。",
        approach="入户探访、小组活动与社区协商相结合。",
        total_amount=amount,
        status=Proposal.Status.AWARDED,
        submitted_at=ctx.now - dt.timedelta(days=115),
        created_by=created_by,
    )
    need.awarded_proposal = proposal
    need.save(update_fields=["awarded_proposal"])
    for i, (name, percent) in enumerate([("需求调研与启动", 30), ("中期服务", 40), ("结项评估", 30)]):
        ProposalMilestone.objects.create(
            proposal=proposal,
            title=name,
            due_date=start + dt.timedelta(days=60 + 120 * i),
            payment_percent=Decimal(percent),
            position=i,
        )
    for worker in workers:
        ProposalTeamMember.objects.create(proposal=proposal, worker=worker, role="项目社工")
    return project_create_from_award(need=need, proposal=proposal)


def seed(ctx: DemoContext) -> None:
    from apps.projects.models import Milestone, ServiceLog
    from apps.projects.services import milestone_accept, milestone_submit, service_hours

    projects = list(ctx.data.get("projects") or [])
    # The bidding demo's awarded projects may not have started yet; records need projects in
    # progress, so two of our own (started 90 days ago) are added when none is.
    if not any(p.start_date <= ctx.today - dt.timedelta(days=40) for p in projects):
        communities, orgs, workers = ctx.data["communities"], ctx.data["organizations"], ctx.data["workers"]
        # Paid from the community funds only when the bidding demo has not reserved them already.
        funded = not projects
        projects += [
            _make_project(
                ctx,
                community=communities[0],
                organization=orgs[0],
                workers=[workers[0], workers[4], workers[8]],
                title="玉林东路长者关爱服务项目",
                category="elderly",
                amount=Decimal("120000.00"),
                created_by=ctx.users["yulin_staff"],
                fund=getattr(communities[0], "fund", None) if funded else None,
            ),
            _make_project(
                ctx,
                community=communities[3],
                organization=orgs[1],
                workers=[workers[1], workers[5]],
                title="望江楼社区青少年成长陪伴项目",
                category="children_youth",
                amount=Decimal("86000.50"),
                created_by=ctx.users["wangjiang_staff"],
                fund=getattr(communities[3], "fund", None) if funded else None,
            ),
        ]
        ctx.data["projects"] = projects
    for project in projects:
        project.team.filter(start_date__gt=project.start_date).update(start_date=project.start_date)

    from apps.accounts.models import Membership, Role

    now = timezone.now()
    logs = []
    for project in projects:
        admin = Membership.objects.active().filter(role=Role.ORG_ADMIN, organization=project.organization).first()
        staff = Membership.objects.active().filter(role=Role.COMMUNITY_STAFF, community=project.community).first()
        for member in project.team.select_related("worker"):
            for back in range(1, 41):
                day = ctx.today - dt.timedelta(days=back)
                if day < max(project.start_date, member.start_date) or ctx.rng.random() < 0.35:
                    continue
                start, end = SLOTS[back % 2]
                if back > 10:
                    status = "confirmed" if ctx.rng.random() > 0.08 else "rejected"
                elif back > 5:
                    status = "approved"
                else:
                    status = "submitted"
                at = now - dt.timedelta(days=back - 1)
                logs.append(
                    ServiceLog(
                        worker=member.worker,
                        project=project,
                        date=day,
                        start_time=start,
                        end_time=end,
                        place=ctx.rng.choice(PLACES),
                        content=ctx.rng.choice(CONTENTS).format(n=back),
                        beneficiaries_served=ctx.rng.randint(3, 25),
                        hours=service_hours(start, end),
                        status=status,
                        approved_by=admin.user if admin and status in ("approved", "confirmed") else None,
                        approved_at=at if status in ("approved", "confirmed") else None,
                        confirmed_by=staff.user if staff and status == "confirmed" else None,
                        confirmed_at=at if status == "confirmed" else None,
                        rejected_by=admin.user if admin and status == "rejected" else None,
                        rejected_at=at if status == "rejected" else None,
                        rejected_reason="服务时间与签到表不一致" if status == "rejected" else "",
                    )
                )
        first = project.milestones.order_by("position").first()
        if admin and staff and first is not None and first.status == Milestone.Status.PENDING:
            first = milestone_submit(actor=admin.user, milestone=first, report="完成需求调研，建立服务对象档案。")
            milestone_accept(actor=staff.user, milestone=first)
            second = project.milestones.order_by("position")[1:2].first()
            if second is not None:
                milestone_submit(actor=admin.user, milestone=second, report="中期服务已开展，附活动记录。")
    ServiceLog.objects.bulk_create(logs, batch_size=2000)
