"""``seed_demo --size large``: the benchmark city, bulk-inserted on top of the small demo city.

The small city (every journey, the demo accounts) is built first exactly as for ``--size small``;
then ``seed`` adds, with bulk inserts in batches and a progress line per step/10 %:

- six more districts (streets, communities, one fund each), organizations, staff accounts and
  social workers with accounts and memberships;
- needs in every status (``COUNTS["needs"]``), proposals, and a project (team, milestones) for
  every awarded need;
- service-hour records (``COUNTS["logs"]``) spread over workers, their projects and two years of
  dates, in fixed non-overlapping slots (never two records of one worker in the same slot);
- ledger transfers (income, donations and Stripe fees, grant reservations, milestone payouts,
  releases) built exactly as apps.funds/apps.ledger services build them: same keys, legs,
  fingerprints and per-book hash chain. They are bulk-loaded sealed with the ledger's row
  triggers lifted for the load (``dbguard.uninstall``/``install`` inside the seed's transaction),
  and the cached balances get what the legs say, as the seal trigger computes it; the accounts'
  CHECK constraints still apply and ``manage.py ledger_verify`` rechecks everything. Sealing
  240,000 transfers one trigger at a time took over half an hour;
- the daily stats rollups of the whole period.

Counts multiply by ``ctx.scale`` (``--scale``). Everything derives from ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F

COUNTS = {
    "organizations": 300,
    "workers": 2_000,
    "needs": 100_000,
    "logs": 1_000_000,
    "donations": 30_000,
}
MINIMUM = {"organizations": 6, "workers": 12, "needs": 60, "logs": 600, "donations": 30}
BATCH = 5_000

DISTRICTS = [
    ("510105000000", "青羊区"),
    ("510106000000", "金牛区"),
    ("510112000000", "龙泉驿区"),
    ("510113000000", "青白江区"),
    ("510114000000", "新都区"),
    ("510115000000", "温江区"),
]
STREETS_PER_DISTRICT = 4
COMMUNITIES_PER_STREET = 5
PLACE_WORDS = "光华草堂金沙府南杉板桥西华沙河双林青龙桂溪花园锦绣东湖桐梓红星白莲营门新桥清水万年石羊文家"
ORG_KINDS = ["社会工作服务中心", "社区发展中心", "公益服务社", "社会工作服务社", "志愿服务协会"]

# status → share of the needs (sums to 1).
NEED_STATUSES = [
    ("draft", 0.06),
    ("published", 0.15),
    ("evaluating", 0.06),
    ("notice", 0.04),
    ("awarded", 0.55),
    ("cancelled", 0.07),
    ("failed", 0.07),
]
# A worker's fixed daily slots (7 h in all, under the policy's daily cap).
SLOTS = [
    (dt.time(8, 30), dt.time(10, 0)),
    (dt.time(10, 30), dt.time(12, 0)),
    (dt.time(14, 0), dt.time(16, 0)),
    (dt.time(16, 30), dt.time(18, 30)),
]
MILESTONES = [("需求调研与启动", Decimal(30)), ("中期服务", Decimal(40)), ("结项评估", Decimal(30))]


def count(ctx, name: str) -> int:
    return max(MINIMUM[name], round(COUNTS[name] * ctx.scale))


class _Progress:
    """Prints ``label: done/total (pct)`` every 10 % and the step's time at the end."""

    def __init__(self, ctx, label: str, total: int):
        self.ctx, self.label, self.total = ctx, label, max(total, 1)
        self.next_pct, self.started = 10, time.monotonic()

    def update(self, done: int) -> None:
        pct = 100 * done // self.total
        if pct >= self.next_pct:
            self.ctx.log(f"  {self.label}: {done:,}/{self.total:,} ({pct}%)")
            self.next_pct = (pct // 10 + 1) * 10

    def done(self, extra: str = "") -> None:
        self.ctx.log(f"  {self.label}: done in {time.monotonic() - self.started:.1f} s {extra}".rstrip())


def _adapters(fields) -> list:
    """Per field, a function from the Python value to what the database driver takes."""
    from django.db import models

    vendor = connection.vendor
    out = []
    for f in fields:
        if isinstance(f, models.JSONField):
            out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        elif vendor != "postgresql" and isinstance(f, models.DateField | models.TimeField | models.DecimalField):
            out.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            out.append(None)
    return out


def _adapter(model, name: str):
    """A cached adapter of one field's values (dates, times, decimals repeat a lot)."""
    field = model._meta.get_field(name)
    fn = _adapters([field])[0]
    if fn is None:
        return lambda v: v
    cache: dict = {}

    def adapt(v):
        if v not in cache:
            cache[v] = fn(v)
        return cache[v]

    return adapt


def _insert(model, fields, rows, *, adapted: bool = False) -> None:
    """Insert plain tuples in ``fields`` order: COPY on PostgreSQL, executemany elsewhere.

    ``adapted``: the values are already what the driver takes (see ``_adapter``)."""
    table = model._meta.db_table
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields)
    adapt = [] if adapted else _adapters(fields)
    if any(adapt):
        rows = [tuple(a(v) if a else v for a, v in zip(adapt, row, strict=True)) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def _bulk(ctx, model, objs, label: str = "", *, batch: int = BATCH):
    """Insert unsaved model instances in batches with progress and give them their primary keys.

    Much faster than bulk_create: no SQL compiling per row. Related objects must be saved before
    the instances that point at them are built (the ``*_id`` attributes are read as they are).
    """
    from django.db.models import Max

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = ctx.now
    stamps = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    progress = _Progress(ctx, label, len(objs)) if label else None
    for i in range(0, len(objs), batch):
        chunk = objs[i : i + batch]
        for obj in chunk:
            for name in stamps:
                if getattr(obj, name) is None or name == "updated_at":
                    setattr(obj, name, now)
        before = model.objects.aggregate(m=Max("pk"))["m"] or 0
        _insert(model, fields, [tuple(getattr(o, f.attname) for f in fields) for o in chunk])
        ids = list(model.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(chunk):
            raise RuntimeError(f"{model.__name__}: inserted {len(chunk)}, found {len(ids)} new rows")
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
        if progress:
            progress.update(i + len(chunk))
    if progress:
        progress.done()
    return objs


def _aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --------------------------------------------------------------------------- city


def _seed_city(ctx) -> dict:
    from apps.accounts.models import Membership, Role, User
    from apps.core.models import Category
    from apps.funds.models import Fund
    from apps.organizations.models import Organization
    from apps.regions.models import Region
    from apps.workers.models import SocialWorker

    rng = ctx.rng
    city = ctx.data["city"]
    words = list(PLACE_WORDS)
    districts = Region.objects.bulk_create(
        [
            Region(code=code, name=name, level="district", parent=city, path=f"{city.path}{code}/")
            for code, name in DISTRICTS
        ]
    )
    streets = []
    for d in districts:
        for j in range(STREETS_PER_DISTRICT):
            code = f"{d.code[:6]}{101 + j:03d}000"
            name = rng.choice(words) + rng.choice(words) + "街道"
            streets.append(Region(code=code, name=name, level="street", parent=d, path=f"{d.path}{code}/"))
    streets = Region.objects.bulk_create(streets)
    communities = []
    for s in streets:
        for k in range(1, COMMUNITIES_PER_STREET + 1):
            code = f"{s.code[:9]}{k:03d}"
            name = rng.choice(words) + rng.choice(words) + rng.choice("路街里巷园苑") + "社区"
            communities.append(Region(code=code, name=name, level="community", parent=s, path=f"{s.path}{code}/"))
    communities = Region.objects.bulk_create(communities)
    Fund.objects.bulk_create([Fund(code=f"fund-{c.code}", name=f"{c.name}基金", community=c) for c in communities])
    ctx.log(f"  regions: {len(districts)} districts, {len(streets)} streets, {len(communities)} communities")

    all_communities = list(Region.objects.filter(level="community").select_related("fund").order_by("code"))
    password = make_password("sanshe-demo-2026")
    n_orgs = count(ctx, "organizations")
    all_districts = list(Region.objects.filter(level="district").order_by("code"))
    orgs = []
    for i in range(n_orgs):
        region = all_districts[i % len(all_districts)]
        form = "social_service_org" if i % 7 else "social_group"
        orgs.append(
            Organization(
                name=f"成都市{region.name}{rng.choice(words)}{rng.choice(words)}{rng.choice(ORG_KINDS)}{i + 1}",
                legal_form=form,
                credit_code=ctx.credit_code(region.code, "52" if form == "social_service_org" else "51"),
                registered_on=ctx.today - dt.timedelta(days=rng.randint(400, 3000)),
                region=region,
                address=f"{region.name}{rng.choice(words)}{rng.choice(words)}路{rng.randint(1, 300)}号",
                description="扎根社区，提供专业社会工作服务。",
                salaried_staff=rng.randint(3, 40),
                status="verified" if i % 25 else "pending",
                verified_at=ctx.now if i % 25 else None,
            )
        )
    orgs = _bulk(ctx, Organization, orgs, "organizations")
    verified = [o for o in orgs if o.status == "verified"]

    # Accounts: one admin per organization, one staff member per new community, the workers.
    n_workers = count(ctx, "workers")
    users = [
        User(
            username=f"{prefix}{i + 1}",
            display_name=ctx.person_name(),
            email=f"{prefix}{i + 1}@demo.sanshe.local",
            password=password,
        )
        for prefix, n in (("l_org", len(orgs)), ("l_staff", len(communities)), ("l_worker", n_workers))
        for i in range(n)
    ]
    users = _bulk(ctx, User, users, "accounts")
    admins = users[: len(orgs)]
    staff_users = users[len(orgs) : len(orgs) + len(communities)]
    worker_users = users[len(orgs) + len(communities) :]
    worker_orgs = [verified[i % len(verified)] for i in range(n_workers)]
    memberships = [Membership(user=u, role=Role.ORG_ADMIN, organization=o) for u, o in zip(admins, orgs, strict=True)]
    memberships += [
        Membership(user=u, role=Role.COMMUNITY_STAFF, community=c)
        for u, c in zip(staff_users, communities, strict=True)
    ]
    memberships += [
        Membership(user=u, role=Role.SOCIAL_WORKER, organization=o)
        for u, o in zip(worker_users, worker_orgs, strict=True)
    ]
    _bulk(ctx, Membership, memberships, "memberships")
    levels = ["assistant", "intermediate", "senior"]
    workers = [
        SocialWorker(
            user=u,
            name=u.display_name,
            level=levels[i % 3],
            certificate_no=f"SWL{i + 1:07d}",
            registered_until=ctx.today + dt.timedelta(days=rng.randint(200, 1500)),
            verified=True,
            verified_at=ctx.now,
            qualified_since=ctx.today - dt.timedelta(days=rng.randint(800, 3000)),
        )
        for i, u in enumerate(worker_users)
    ]
    workers = _bulk(ctx, SocialWorker, workers, "social workers")
    categories = list(Category.objects.order_by("sort_order"))
    through = SocialWorker.skills.through
    through.objects.bulk_create(
        [through(socialworker_id=w.pk, category_id=c.pk) for w in workers for c in rng.sample(categories, 2)],
        batch_size=BATCH,
    )
    staff_by_community = {c.pk: u for c, u in zip(communities, staff_users, strict=True)}
    admin_by_org = {o.pk: u for o, u in zip(orgs, admins, strict=True)}
    workers_by_org: dict[int, list] = defaultdict(list)
    for w, o in zip(workers, worker_orgs, strict=True):
        workers_by_org[o.pk].append(w)
    ctx.accounts.append(("l_org1 … l_worker1 …", "large demo", f"{len(users):,} accounts"))
    return {
        "communities": all_communities,
        "staff_by_community": staff_by_community,
        "orgs": [o for o in verified if workers_by_org[o.pk]],
        "admin_by_org": admin_by_org,
        "workers_by_org": workers_by_org,
        "categories": categories,
    }


# --------------------------------------------------------------------------- needs and projects


def _seed_needs(ctx, city: dict) -> list:
    from apps.bidding.demo import TITLES
    from apps.bidding.models import Need, Proposal, ProposalMilestone
    from apps.projects.models import Milestone, Project, ProjectTeamMember

    rng, today, now = ctx.rng, ctx.today, ctx.now
    categories = {c.code: c for c in city["categories"]}
    communities, orgs = city["communities"], city["orgs"]
    fallback_staff = ctx.users["staff"]
    n = count(ctx, "needs")
    statuses = [s for s, _w in NEED_STATUSES]
    weights = [w for _s, w in NEED_STATUSES]
    plan = []
    needs = []
    for i in range(n):
        status = statuses[i % len(statuses)] if i < len(statuses) else rng.choices(statuses, weights)[0]
        code, title, description = TITLES[rng.randrange(len(TITLES))]
        community = communities[rng.randrange(len(communities))]
        budget_min = Decimal(rng.randrange(20, 150) * 1000)
        budget_max = budget_min + Decimal(rng.randrange(10, 60) * 1000)
        published = awarded = notice_ends = None
        if status == "draft":
            deadline = now + dt.timedelta(days=rng.randint(20, 60))
        elif status == "published":
            published = now - dt.timedelta(days=rng.randint(1, 25), minutes=rng.randrange(1440))
            deadline = now + dt.timedelta(days=rng.randint(1, 30), minutes=rng.randrange(1440))
        elif status in ("evaluating", "failed", "cancelled"):
            back = rng.randint(2, 20) if status == "evaluating" else rng.randint(10, 700)
            deadline = now - dt.timedelta(days=back, minutes=rng.randrange(1440))
            published = deadline - dt.timedelta(days=rng.randint(14, 30))
        elif status == "notice":
            deadline = now - dt.timedelta(days=rng.randint(8, 20))
            published = deadline - dt.timedelta(days=21)
            awarded = now - dt.timedelta(days=rng.randint(1, 4), minutes=rng.randrange(1440))
            notice_ends = awarded + dt.timedelta(days=7)
        else:  # awarded: two years of history, the newest 20 days ago
            awarded = now - dt.timedelta(days=rng.randint(20, 720), minutes=rng.randrange(1440))
            deadline = awarded - dt.timedelta(days=rng.randint(5, 12))
            published = deadline - dt.timedelta(days=rng.randint(14, 30))
        if awarded is not None:
            start = (awarded + dt.timedelta(days=rng.randint(5, 15))).date()
        else:
            start = max(deadline.date(), today) + dt.timedelta(days=rng.randint(20, 60))
        end = start + dt.timedelta(days=rng.choice((180, 270, 365)))
        needs.append(
            Need(
                community=community,
                title=f"{community.name}{title}"[:120],
                description=f"{description}（{community.name}）",
                category=categories[code],
                beneficiaries=rng.randint(20, 400),
                beneficiary_group="",
                budget_min=budget_min,
                budget_max=budget_max,
                service_start=start,
                service_end=end,
                min_worker_level=rng.choice(("assistant", "assistant", "intermediate")),
                workers_needed=rng.randint(1, 3),
                bid_deadline=deadline,
                fund=getattr(community, "fund", None),
                status=status,
                published_at=published,
                cancelled_reason="需求已由其他渠道解决" if status == "cancelled" else "",
                awarded_at=awarded,
                notice_ends_at=notice_ends,
                created_by=city["staff_by_community"].get(community.pk, fallback_staff),
            )
        )
        plan.append(status)
    needs = _bulk(ctx, Need, needs, "needs")
    from apps.bidding import text_index

    text_index.index_needs(needs)  # the list's `q` index (bulk inserts send no post_save)

    # Proposals: 2-3 bids on every need past its deadline, 0-2 on open ones.
    proposals, owners = [], []
    for need, status in zip(needs, plan, strict=True):
        if status in ("draft", "cancelled"):
            continue
        bids = (
            rng.randint(0, 2)
            if status == "published"
            else (0 if status == "failed" and rng.random() < 0.5 else rng.randint(2, 3))
        )
        for org in rng.sample(orgs, min(bids, len(orgs))):
            amount = Decimal(rng.randrange(int(need.budget_min), int(need.budget_max) + 1, 100))
            proposals.append(
                Proposal(
                    need=need,
                    organization=org,
                    title=f"{org.name[:40]}·{need.title[:60]}",
                    summary=f"{org.name}承接{need.title}。",
                    approach="入户探访、小组活动与社区协商相结合。",
                    total_amount=amount,
                    status="submitted" if status in ("published", "evaluating", "notice") else "not_awarded",
                    submitted_at=(need.bid_deadline or now) - dt.timedelta(days=rng.randint(1, 10)),
                    created_by=city["admin_by_org"][org.pk],
                )
            )
            owners.append(need)
    status_of = {need.pk: s for need, s in zip(needs, plan, strict=True)}
    first_of: dict[int, Proposal] = {}
    for p, need in zip(proposals, owners, strict=True):
        if status_of[need.pk] == "failed":
            p.status = "ineligible"
        if status_of[need.pk] in ("awarded", "notice") and need.pk not in first_of:
            first_of[need.pk] = p
            if status_of[need.pk] == "awarded":
                p.status = "awarded"
    proposals = _bulk(ctx, Proposal, proposals, "proposals")
    winners = first_of
    awarded_needs = [need for need in needs if need.pk in winners]
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE bidding_need SET awarded_proposal_id = %s WHERE id = %s",
            [(winners[need.pk].pk, need.pk) for need in awarded_needs],
        )
    for need in awarded_needs:
        need.awarded_proposal_id = winners[need.pk].pk

    # Projects for the awarded needs: team from the organization's workers, three milestones.
    projects = []
    for need in awarded_needs:
        if status_of[need.pk] != "awarded":
            continue
        p = winners[need.pk]
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
    projects = _bulk(ctx, Project, projects, "projects")
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
        for pos, (title, percent) in enumerate(MILESTONES):
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
                    submitted_at=_aware(min(due, today)) - dt.timedelta(days=2) if accepted else None,
                    accepted_at=_aware(min(due, today)) if accepted else None,
                    accepted_by=city["staff_by_community"].get(project.community_id, fallback_staff)
                    if accepted
                    else None,
                    paid_amount=amount if accepted else None,
                )
            )
    _bulk(ctx, ProjectTeamMember, team, "project teams")
    _bulk(ctx, ProposalMilestone, pms, "proposal milestones")
    milestones = _bulk(ctx, Milestone, milestones, "milestones")
    by_project: dict[int, list] = defaultdict(list)
    for m in milestones:
        by_project[m.project_id].append(m)
    ctx.data["large_team"] = team
    return [(project, by_project[project.pk]) for project in projects]


# --------------------------------------------------------------------------- service-hour records

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
]


def _seed_hours(ctx, city: dict, projects: list) -> int:
    from apps.projects.demo import CONTENTS, PLACES
    from apps.projects.models import ServiceLog
    from apps.projects.services import service_hours

    rng, today, now = ctx.rng, ctx.today, ctx.now
    project_by_pk = {p.pk: p for p, _ms in projects}
    windows: dict[int, list] = defaultdict(list)  # worker id → [(project, first day, last day)]
    for member in ctx.data["large_team"]:
        project = project_by_pk[member.project_id]
        last = min(project.end_date, today - dt.timedelta(days=1))
        if last >= project.start_date:
            windows[member.worker_id].append((project, project.start_date, last))
    capacity = {}
    for worker_id, spans in windows.items():
        days = set()
        for _p, first, last in spans:
            days.update(range(first.toordinal(), last.toordinal() + 1))
        capacity[worker_id] = len(days) * len(SLOTS)
    target = count(ctx, "logs")
    total_capacity = sum(capacity.values())
    if target > total_capacity // 2:
        raise RuntimeError(f"Not enough project time for {target} records (capacity {total_capacity}).")
    order = sorted(capacity)
    share = {w: target * capacity[w] // total_capacity for w in order}
    for w in order[: target - sum(share.values())]:
        share[w] += 1
    admin_by_org, staff_by_community = city["admin_by_org"], city["staff_by_community"]
    fallback = ctx.users["staff"]
    hours = [service_hours(a, b) for a, b in SLOTS]
    progress = _Progress(ctx, "service-hour records", target)
    fields = [ServiceLog._meta.get_field(name) for name in LOG_FIELDS]
    a_date, a_time = _adapter(ServiceLog, "date"), _adapter(ServiceLog, "start_time")
    a_hours, a_at = _adapter(ServiceLog, "hours"), _adapter(ServiceLog, "approved_at")
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
            slot = rng.randrange(len(SLOTS))
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
            start, end = SLOTS[slot]
            at = min(_aware(day, 20) + dt.timedelta(days=rng.randint(1, 3)), now)
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
                )
            )
            if len(buffer) >= BATCH:
                _insert(ServiceLog, fields, buffer, adapted=True)
                written += len(buffer)
                buffer = []
                progress.update(written)
    if buffer:
        _insert(ServiceLog, fields, buffer, adapted=True)
        written += len(buffer)
    progress.update(written)
    progress.done()
    return written


# --------------------------------------------------------------------------- ledger


class _Spec:
    """One transfer to append, as apps.funds/apps.ledger services would have appended it."""

    __slots__ = ("at", "key", "kind", "phase", "status", "legs", "memo", "reference", "pending", "group", "after")

    def __init__(
        self, at, key, kind, phase, legs, memo, reference, *, status="posted", pending=None, group, after=None
    ):
        self.at, self.key, self.kind, self.phase, self.legs = at.replace(microsecond=0), key, kind, phase, legs
        self.memo, self.reference, self.status, self.pending = memo[:500], reference[:200], status, pending
        self.group, self.after = group, after


# Order of a book's transfers made at the same second: money comes in before it is reserved, etc.
GROUPS = ("income", "gift", "fee", "reserve", "payout", "release")


def _append_book(ctx, book: str, specs: list, deltas: dict) -> int:
    """Append a book's transfers, sealed, with their legs, continuing the book's hash chain
    exactly as ``apps.ledger.services._append`` does; add what their legs do to the accounts'
    cached balances to ``deltas`` (as the seal trigger would: ``dbguard._APPLY``)."""
    from apps.ledger.models import Book, Leg, Transfer
    from apps.ledger.services import fingerprint_for, hash_for

    head, _created = Book.objects.get_or_create(code=book)
    sequence, prev = head.sequence, head.head_hash
    specs.sort(key=lambda s: (s.at, GROUPS.index(s.group)))
    rows = {}
    for spec in specs:
        sequence += 1
        pending_key = spec.pending.key if spec.pending else ""
        common = {"kind": spec.kind, "phase": spec.phase, "legs": spec.legs, "reference": spec.reference}
        digest = hash_for(
            prev_hash=prev,
            book=book,
            sequence=sequence,
            key=spec.key,
            memo=spec.memo,
            pending_key=pending_key,
            reverses_key="",
            created_at=spec.at,
            **common,
        )
        rows[spec.key] = Transfer(
            key=spec.key,
            kind=spec.kind,
            phase=spec.phase,
            status=spec.status,
            reference=spec.reference,
            memo=spec.memo,
            book=book,
            sequence=sequence,
            prev_hash=prev,
            hash=digest,
            fingerprint=fingerprint_for(pending_key=pending_key, reverses_key="", **common),
            sealed=True,
            created_at=spec.at,
        )
        prev = digest
        sign = {"pending": 1, "single": 0}.get(spec.phase, -1)
        for acc, amount in spec.legs:
            d = deltas[acc.pk]
            if spec.phase in ("single", "post"):
                d[0] += amount
            if amount > 0:
                d[1] += sign * amount
            else:
                d[2] += sign * -amount
    _bulk(ctx, Transfer, [rows[s.key] for s in specs if s.pending is None])
    children = []
    for s in specs:
        if s.pending is not None:
            rows[s.key].pending_id = rows[s.pending.key].pk
            children.append(rows[s.key])
    _bulk(ctx, Transfer, children)
    _insert(
        Leg,
        [Leg._meta.get_field(name) for name in ("transfer", "account", "amount")],
        [(rows[s.key].pk, acc.pk, amount) for s in specs for acc, amount in s.legs],
    )
    Book.objects.filter(pk=head.pk).update(sequence=sequence, head_hash=prev)
    for s in specs:
        if s.after is not None:
            s.after(rows[s.key])
    return len(specs)


def _seed_ledger(ctx, projects: list) -> int:
    import hashlib

    from apps.core.money import decimal_to_fen
    from apps.funds.demo import PURPOSES
    from apps.funds.models import Donation, Fund, Income, ReceiptCounter
    from apps.funds.services import fund_account, fund_bank_account, fund_book, organization_account, stripe_account

    rng, now = ctx.rng, ctx.now
    funds = list(Fund.objects.order_by("code"))
    stripe = stripe_account()
    specs: dict[int, list] = defaultdict(list)  # fund id → specs
    need_in: dict[int, int] = defaultdict(int)  # fund id → fen its unrestricted account must hold

    # Donations (gift + Stripe fee), receipt numbers in payment order per host and year.
    n = count(ctx, "donations")
    rows = []
    for i in range(n):
        fund = funds[rng.randrange(len(funds))]
        amount = rng.choice([50, 100, 200, 500, 1000, 2000]) * 100
        named = rng.random() < 0.4
        paid = now - dt.timedelta(days=rng.randint(0, 720), seconds=rng.randrange(86400))
        rows.append(
            Donation(
                fund=fund,
                amount_fen=amount,
                purpose=rng.choice(PURPOSES[2:]) if rng.random() < 0.05 else "",
                donor_name=ctx.person_name() if named else "",
                anonymous=not named,
                status="paid",
                stripe_session_id=f"cs_large_{i}",
                payment_intent_id=f"pi_large_{i}",
                charge_id=f"ch_large_{i}",
                fee_fen=amount * 6 // 1000,
                paid_at=paid.replace(microsecond=0),
            )
        )
    rows.sort(key=lambda d: d.paid_at)
    counters: dict[tuple[str, int], int] = {}
    for d in rows:
        year = d.paid_at.year
        host = d.fund.host_name
        if (host, year) not in counters:
            counters[(host, year)] = ReceiptCounter.objects.get_or_create(host=host, year=year)[0].last
        counters[(host, year)] += 1
        host_code = hashlib.sha1(host.encode()).hexdigest()[:4].upper()  # noqa: S324 - a label, as the service
        d.receipt_no = f"R{host_code}-{year}-{counters[(host, year)]:06d}"
    for (host, year), last in counters.items():
        ReceiptCounter.objects.filter(host=host, year=year).update(last=last)
    rows = _bulk(ctx, Donation, rows, "donations")
    accounts: dict[tuple[int, str], object] = {}

    def account(fund, purpose=""):
        if (fund.pk, purpose) not in accounts:
            accounts[(fund.pk, purpose)] = fund_account(fund, purpose or None)
        return accounts[(fund.pk, purpose)]

    for d in rows:
        target = account(d.fund, d.purpose)
        ref = f"donation:{d.pk}"
        specs[d.fund_id].append(
            _Spec(
                d.paid_at,
                f"{ref}:gift",
                "donation",
                "single",
                [(stripe, d.amount_fen), (target, -d.amount_fen)],
                d.donor_display,
                ref,
                group="gift",
            )
        )
        specs[d.fund_id].append(
            _Spec(
                d.paid_at + dt.timedelta(seconds=1),
                f"{ref}:fee",
                "stripe_fee",
                "single",
                [(target, d.fee_fen), (stripe, -d.fee_fen)],
                "Stripe fee",
                ref,
                group="fee",
            )
        )
        if not d.purpose:
            need_in[d.fund_id] += d.fee_fen - d.amount_fen

    # Grants: a reservation per funded project, a payout per accepted milestone, a release when terminated.
    org_accounts: dict[int, object] = {}
    fund_by_pk = {f.pk: f for f in funds}
    for project, milestones in projects:
        if project.fund_id is None:
            continue
        fund = fund_by_pk[project.fund_id]
        amount = decimal_to_fen(project.amount)
        if project.organization_id not in org_accounts:
            org_accounts[project.organization_id] = organization_account(project.organization, fund.currency)
        source, org = account(fund), org_accounts[project.organization_id]
        need_in[fund.pk] += amount
        ref = f"project:{project.pk}"
        paid = sum(decimal_to_fen(m.amount) for m in milestones if m.status == "accepted")
        status = "posted" if paid == amount else ("voided" if project.status == "terminated" else "pending")
        reserve = _Spec(
            project.need.awarded_at,
            f"{ref}:reserve",
            "grant",
            "pending",
            [(source, amount), (org, -amount)],
            project.title,
            ref,
            status=status,
            group="reserve",
        )
        specs[fund.pk].append(reserve)
        for m in milestones:
            if m.status == "accepted":
                fen = decimal_to_fen(m.amount)
                specs[fund.pk].append(
                    _Spec(
                        m.accepted_at,
                        f"milestone:{m.pk}:payout",
                        "grant_payout",
                        "post",
                        [(source, fen), (org, -fen)],
                        f"{project.title} · {m.title}",
                        ref,
                        pending=reserve,
                        group="payout",
                    )
                )
        if status == "voided":
            left = amount - paid
            at = min(_aware(project.end_date), now) if project.end_date < ctx.today else now - dt.timedelta(hours=1)
            at = max(
                at,
                max([m.accepted_at for m in milestones if m.accepted_at] + [project.need.awarded_at])
                + dt.timedelta(minutes=1),
            )
            specs[fund.pk].append(
                _Spec(
                    at,
                    f"{ref}:release",
                    "grant",
                    "void",
                    [(source, left), (org, -left)],
                    project.title,
                    ref,
                    pending=reserve,
                    group="release",
                )
            )

    # Income outside Stripe first, enough for every reservation (as the street's yearly allocation).
    manager = ctx.users.get("fund_manager")
    first_day = now - dt.timedelta(days=800)
    for fund in funds:
        if fund.pk not in specs:
            continue
        amount = max(need_in[fund.pk], 0) + rng.randint(20, 80) * 1_000_00
        key = f"large-grant-{fund.code}"
        source, memo = "街道办事处拨款", "年度社区基金注资"

        def book_income(transfer, fund=fund, amount=amount, key=key, source=source, memo=memo):
            Income.objects.create(
                fund=fund,
                amount_fen=amount,
                source=source,
                memo=memo,
                idempotency_key=key,
                transfer=transfer,
                recorded_by=manager,
            )

        specs[fund.pk].append(
            _Spec(
                first_day,
                f"fund:{fund.pk}:income:{key}",
                "income",
                "single",
                [(fund_bank_account(fund), amount), (account(fund), -amount)],
                memo,
                source,
                group="income",
                after=book_income,
            )
        )
    # A bulk load: the ledger's row triggers (dbguard) are lifted while the rows go in, sealed,
    # and put back after; the cached balances get what the legs say in one update per account.
    # The account CHECK constraints still hold every balance; ledger_verify rechecks it all.
    from apps.ledger import dbguard
    from apps.ledger.models import Account

    total = sum(len(v) for v in specs.values())
    progress = _Progress(ctx, "ledger transfers", total)
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    done = 0
    dbguard.uninstall(connection)  # inside the seed's transaction: a failure rolls this back too
    for fund in funds:
        if fund.pk in specs:
            done += _append_book(ctx, fund_book(fund), specs[fund.pk], deltas)
            progress.update(done)
    for pk, (balance, pending_debits, pending_credits) in sorted(deltas.items()):
        Account.objects.filter(pk=pk).update(
            balance=F("balance") + balance,
            pending_debits=F("pending_debits") + pending_debits,
            pending_credits=F("pending_credits") + pending_credits,
        )
    dbguard.install(connection)
    progress.done()
    return done


# --------------------------------------------------------------------------- entry point


def seed(ctx) -> None:
    from apps.stats.services import rollup_rebuild

    started = time.monotonic()
    ctx.log(f"large demo (scale {ctx.scale:g}): city, organizations, workers …")
    city = _seed_city(ctx)
    ctx.log("large demo: needs, proposals, projects …")
    projects = _seed_needs(ctx, city)
    ctx.log("large demo: service-hour records …")
    logs = _seed_hours(ctx, city, projects)
    ctx.log("large demo: ledger …")
    transfers = _seed_ledger(ctx, projects)
    ctx.log("large demo: stats rollups …")
    t0 = time.monotonic()
    rows = rollup_rebuild(date_from=ctx.today - dt.timedelta(days=800), date_to=ctx.today)
    ctx.log(f"  stats rollups: {rows:,} rows in {time.monotonic() - t0:.1f} s")
    # seed_demo runs VACUUM ANALYZE once every app has seeded (the search index is built last).
    ctx.data["large_counts"] = {"service_logs": logs, "transfers": transfers}
    ctx.log(f"large demo: {logs:,} records, {transfers:,} transfers in {time.monotonic() - started:.0f} s")
