"""Demo: projects in progress with service-hour records in every state.

Uses the bidding demo's projects (ctx.data["projects"]) when there are some, else makes two
projects from Need/Proposal rows. The large size (``seed_large``) makes a project (team,
milestones) for every need the bidding demo's large step awarded, then ``ctx.count("service_logs")``
service-hour records spread over the workers, their projects and two years of dates, in fixed
non-overlapping slots (never two records of one worker in the same slot). The city size writes
its records (over the last year) with one set-based ``INSERT … SELECT`` in PostgreSQL instead.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership, Role
from apps.bidding.models import Need, Proposal, ProposalMilestone, ProposalTeamMember
from apps.core.bulk import BATCH, field_adapter, rows_insert
from apps.core.demo import DemoContext, aware, demo_step
from apps.core.models import Category
from apps.projects.models import Milestone, Project, ProjectTeamMember, ServiceLog
from apps.projects.services import milestone_accept, milestone_submit, project_create_from_award, service_hours

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


@demo_step("projects", after=("bidding",))
def seed(ctx: DemoContext) -> None:
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


# A worker's fixed daily slots in the large city (7 h in all, under the policy's daily cap).
LARGE_SLOTS = [
    (dt.time(8, 30), dt.time(10, 0)),
    (dt.time(10, 30), dt.time(12, 0)),
    (dt.time(14, 0), dt.time(16, 0)),
    (dt.time(16, 30), dt.time(18, 30)),
]
LARGE_MILESTONES = [("需求调研与启动", Decimal(30)), ("中期服务", Decimal(40)), ("结项评估", Decimal(30))]
LOG_FIELDS = [
    "worker",
    "project",
    "date",
    "start_time",
    "end_time",
    "place",
    "content",
    "beneficiaries_served",
    "hours",
    "status",
    "approved_by",
    "approved_at",
    "confirmed_by",
    "confirmed_at",
    "rejected_reason",
    "created_at",
    "updated_at",
    "evidence",
    "witness_role",
]


@demo_step("projects.large", size="large", after=("projects", "bidding.large"))
def seed_large(ctx: DemoContext) -> None:
    projects = _large_projects(ctx)
    ctx.data["large_projects"] = projects
    ctx.log(f"{ctx.size} demo: service-hour records …")
    written = _city_hours(ctx) if ctx.city else _large_hours(ctx, projects)
    ctx.data["large_counts"] = {"service_logs": written}


def _large_projects(ctx: DemoContext) -> list:
    """Projects for the awarded needs: team from the organization's workers, three milestones."""
    rng, today, city = ctx.rng, ctx.today, ctx.data["large_city"]
    fallback_staff = ctx.users["staff"]
    projects = []
    for need, p in city["awarded"]:
        terminated = rng.random() < 0.03
        ended = need.service_end < today
        projects.append(
            Project(
                need=need,
                proposal=p,
                organization_id=p.organization_id,
                community_id=need.community_id,
                fund=need.fund,
                title=need.title,
                amount=p.total_amount,
                start_date=need.service_start,
                end_date=need.service_end,
                status="terminated" if terminated else ("completed" if ended else "active"),
            )
        )
    projects = ctx.insert(Project, projects, "projects")
    team, pms, milestones = [], [], []
    for project in projects:
        pool = city["workers_by_org"][project.organization_id]
        for w in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            team.append(ProjectTeamMember(project=project, worker=w, role="项目社工", start_date=project.start_date))
        done = (
            3
            if project.status == "completed"
            else min(
                3, max(0, (today - project.start_date).days * 3 // max((project.end_date - project.start_date).days, 1))
            )
        )
        if project.status == "terminated":
            done = min(done, 1)
        paid_so_far = Decimal(0)
        for pos, (title, percent) in enumerate(LARGE_MILESTONES):
            due = project.start_date + dt.timedelta(days=(pos + 1) * (project.end_date - project.start_date).days // 3)
            amount = (
                (project.amount * percent / 100).quantize(Decimal("0.01")) if pos < 2 else project.amount - paid_so_far
            )
            paid_so_far += amount
            pms.append(
                ProposalMilestone(
                    proposal_id=project.proposal_id, title=title, due_date=due, payment_percent=percent, position=pos
                )
            )
            accepted = pos < done
            milestones.append(
                Milestone(
                    project=project,
                    position=pos,
                    title=title,
                    due_date=due,
                    payment_percent=percent,
                    amount=amount,
                    status="accepted" if accepted else "pending",
                    report="按计划完成本阶段服务，附活动记录。" if accepted else "",
                    submitted_at=aware(min(due, today)) - dt.timedelta(days=2) if accepted else None,
                    accepted_at=aware(min(due, today)) if accepted else None,
                    accepted_by=city["staff_by_community"].get(project.community_id, fallback_staff)
                    if accepted
                    else None,
                    paid_amount=amount if accepted else None,
                )
            )
    ctx.insert(ProjectTeamMember, team, "project teams")
    ctx.insert(ProposalMilestone, pms, "proposal milestones")
    milestones = ctx.insert(Milestone, milestones, "milestones")
    by_project: dict[int, list] = defaultdict(list)
    for m in milestones:
        by_project[m.project_id].append(m)
    city["team"] = team
    return [(project, by_project[project.pk]) for project in projects]


def _large_hours(ctx: DemoContext, projects: list) -> int:
    rng, today, now, city = ctx.rng, ctx.today, ctx.now, ctx.data["large_city"]
    project_by_pk = {p.pk: p for p, _ms in projects}
    windows: dict[int, list] = defaultdict(list)  # worker id → [(project, first day, last day)]
    for member in city["team"]:
        project = project_by_pk[member.project_id]
        last = min(project.end_date, today - dt.timedelta(days=1))
        if last >= project.start_date:
            windows[member.worker_id].append((project, project.start_date, last))
    capacity = {}
    for worker_id, spans in windows.items():
        days = set()
        for _p, first, last in spans:
            days.update(range(first.toordinal(), last.toordinal() + 1))
        capacity[worker_id] = len(days) * len(LARGE_SLOTS)
    target = ctx.count("service_logs")
    total_capacity = sum(capacity.values())
    if target > total_capacity // 2:
        raise RuntimeError(f"Not enough project time for {target} records (capacity {total_capacity}).")
    order = sorted(capacity)
    share = {w: target * capacity[w] // total_capacity for w in order}
    for w in order[: target - sum(share.values())]:
        share[w] += 1
    admin_by_org, staff_by_community = city["admin_by_org"], city["staff_by_community"]
    fallback = ctx.users["staff"]
    hours = [service_hours(a, b) for a, b in LARGE_SLOTS]
    progress = ctx.progress("service-hour records", target)
    fields = [ServiceLog._meta.get_field(name) for name in LOG_FIELDS]
    a_date, a_time = field_adapter(ServiceLog, "date"), field_adapter(ServiceLog, "start_time")
    a_hours, a_at = field_adapter(ServiceLog, "hours"), field_adapter(ServiceLog, "approved_at")
    a_now = a_at(now)
    buffer: list = []
    written = 0
    for worker_id in order:
        spans = windows[worker_id]
        weights = [(last - first).days + 1 for _p, first, last in spans]
        used: set[tuple[int, int]] = set()
        k = 0
        while k < share[worker_id]:
            project, first, last = rng.choices(spans, weights)[0]
            day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            slot = rng.randrange(len(LARGE_SLOTS))
            if (day.toordinal(), slot) in used:
                continue
            used.add((day.toordinal(), slot))
            k += 1
            age = (today - day).days
            if age <= 7:
                status = "submitted"
            elif age <= 21:
                status = "approved" if rng.random() < 0.8 else "submitted"
            else:
                status = "confirmed" if rng.random() < 0.98 else "approved"
            start, end = LARGE_SLOTS[slot]
            at = min(aware(day, 20) + dt.timedelta(days=rng.randint(1, 3)), now)
            approver = admin_by_org.get(project.organization_id, fallback) if status != "submitted" else None
            buffer.append(
                (
                    worker_id,
                    project.pk,
                    a_date(day),
                    a_time(start),
                    a_time(end),
                    PLACES[rng.randrange(len(PLACES))],
                    CONTENTS[rng.randrange(len(CONTENTS))].format(n=k),
                    rng.randint(3, 25),
                    a_hours(hours[slot]),
                    status,
                    approver.pk if approver else None,
                    a_at(at) if approver else None,
                    staff_by_community.get(project.community_id, fallback).pk if status == "confirmed" else None,
                    a_at(at) if status == "confirmed" else None,
                    "",
                    a_now,
                    a_now,
                    ServiceLog.Evidence.CONFIRMATION,
                    "",
                )
            )
            if len(buffer) >= BATCH:
                rows_insert(ServiceLog, fields, buffer, adapted=True)
                written += len(buffer)
                buffer = []
                progress.update(written)
    if buffer:
        rows_insert(ServiceLog, fields, buffer, adapted=True)
        written += len(buffer)
    progress.update(written)
    progress.done()
    return written


# The city's records, written by PostgreSQL in one statement: per team member, draws of (day, slot)
# in the part of its project inside the last year, as many as its share of the target (with 20 %
# more, for the draws that land on a cell the worker already has); one record per worker, day and
# slot (DISTINCT ON), so a worker's records never overlap; then a share of those picked by their
# hash (the temporary table is in worker and day order, so the (worker, date) index fills in order).
# Every random choice is a bit field of ``hashint8extended`` of (member id, draw) and the seed: the
# same seed gives the same city.
CITY_CELLS_SQL = """
CREATE TEMP TABLE demo_city_cells AS
WITH win AS (
    SELECT m.id, m.worker_id, m.project_id, p.organization_id, p.community_id,
           GREATEST(p.start_date, %(first)s::date) AS d0,
           LEAST(p.end_date, %(last)s::date) - GREATEST(p.start_date, %(first)s::date) + 1 AS days
    FROM projects_projectteammember m JOIN projects_project p ON p.id = m.project_id
    WHERE m.id BETWEEN %(lo)s AND %(hi)s AND p.end_date >= %(first)s AND p.start_date <= %(last)s
), sized AS (
    SELECT win.*, CEIL(%(want)s::numeric * days / SUM(days) OVER ())::int AS n FROM win
), draws AS (
    SELECT sized.*, i, hashint8extended(sized.id * 1048576 + i, %(seed)s) AS h
    FROM sized, generate_series(1, sized.n) AS i
)
SELECT DISTINCT ON (worker_id, day, slot) *
FROM (
    SELECT worker_id, project_id, organization_id, community_id, i, h,
           hashint8extended(h, %(seed)s + 1) AS h2,
           d0 + ((h & 2147483647) %% days)::int AS day, 1 + ((h >> 31) & 3)::int AS slot
    FROM draws
) AS cells
ORDER BY worker_id, day, slot, project_id
"""

CITY_LOGS_SQL = """
INSERT INTO projects_servicelog (
    worker_id, project_id, date, start_time, end_time, place, content, beneficiaries_served, hours,
    status, approved_by_id, approved_at, confirmed_by_id, confirmed_at, rejected_reason,
    created_at, updated_at, evidence, witness_role
)
SELECT c.worker_id, c.project_id, c.day, s.start_time, s.end_time,
       (%(places)s::text[])[(1 + ((c.h2 >> 10) & 255) %% %(n_places)s)::int],
       replace((%(contents)s::text[])[(1 + ((c.h2 >> 18) & 255) %% %(n_contents)s)::int], '{n}', c.i::text),
       3 + ((c.h2 >> 26) & 31) %% 23, s.hours,
       c.status,
       CASE WHEN c.status <> 'submitted' THEN COALESCE(a.user_id, %(fallback)s) END,
       CASE WHEN c.status <> 'submitted' THEN c.at END,
       CASE WHEN c.status = 'confirmed' THEN COALESCE(st.user_id, %(fallback)s) END,
       CASE WHEN c.status = 'confirmed' THEN c.at END,
       '', %(now)s, %(now)s, %(evidence)s, ''
FROM (
    SELECT cells.*,
           CASE WHEN %(today)s::date - day <= 7 THEN 'submitted'
                WHEN %(today)s::date - day <= 21 THEN
                    CASE WHEN ((h >> 33) & 1023) < 819 THEN 'approved' ELSE 'submitted' END
                ELSE CASE WHEN ((h >> 33) & 1023) < 1004 THEN 'confirmed' ELSE 'approved' END
           END AS status,
           LEAST(((day + time '20:00') AT TIME ZONE %(tz)s) + make_interval(days => (1 + ((h >> 43) & 3) %% 3)::int),
                 %(now)s) AS at
    FROM demo_city_cells AS cells
    WHERE (h2 & 1023) < %(keep)s
    LIMIT %(target)s
) AS c
JOIN unnest(%(starts)s::time[], %(ends)s::time[], %(hours)s::numeric[]) WITH ORDINALITY
     AS s(start_time, end_time, hours, slot) ON s.slot = c.slot
LEFT JOIN unnest(%(admin_orgs)s::bigint[], %(admin_users)s::bigint[]) AS a(org_id, user_id)
     ON a.org_id = c.organization_id
LEFT JOIN unnest(%(staff_communities)s::bigint[], %(staff_users)s::bigint[]) AS st(community_id, user_id)
     ON st.community_id = c.community_id
"""


def _city_hours(ctx: DemoContext) -> int:
    """``ctx.count("service_logs")`` records over the last year (PostgreSQL, two statements)."""
    city, today = ctx.data["large_city"], ctx.today
    team_ids = [m.pk for m in city["team"]]
    target = ctx.count("service_logs")
    started = time.monotonic()
    params = {
        "first": today - dt.timedelta(days=365),
        "last": today - dt.timedelta(days=1),
        "lo": min(team_ids),
        "hi": max(team_ids),
        "want": round(target * 1.2),
        "seed": ctx.seed,
    }
    with connection.cursor() as cursor:
        cursor.execute(CITY_CELLS_SQL, params)
        cursor.execute("SELECT COUNT(*) FROM demo_city_cells")
        cells = cursor.fetchone()[0]
        ctx.log(f"  service-hour cells: {cells:,} in {time.monotonic() - started:.1f} s")
        if cells < target:
            raise RuntimeError(f"Not enough project time for {target} records ({cells} free slots drawn).")
        admins, staff = city["admin_by_org"], city["staff_by_community"]
        cursor.execute(
            CITY_LOGS_SQL,
            {
                "places": PLACES,
                "n_places": len(PLACES),
                "contents": CONTENTS,
                "n_contents": len(CONTENTS),
                "fallback": ctx.users["staff"].pk,
                "now": ctx.now,
                "evidence": ServiceLog.Evidence.CONFIRMATION,
                "today": today,
                "tz": settings.TIME_ZONE,
                "keep": min(1024, -(-1024 * target * 101 // (100 * cells))),  # a 1 % margin, cut by the LIMIT
                "target": target,
                "starts": [a for a, _b in LARGE_SLOTS],
                "ends": [b for _a, b in LARGE_SLOTS],
                "hours": [service_hours(a, b) for a, b in LARGE_SLOTS],
                "admin_orgs": list(admins),
                "admin_users": [u.pk for u in admins.values()],
                "staff_communities": list(staff),
                "staff_users": [u.pk for u in staff.values()],
            },
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE demo_city_cells")
    ctx.log(f"  service-hour records: {written:,} in {time.monotonic() - started:.1f} s")
    return written
