"""Demo needs in every status, with sealed bids, panels, scores, an objection, one award that
becomes a project through project_create_from_award, and one that stalls at the end of its notice.
Each award reserves its grant in the community fund (apps.funds.payouts).

The large and city sizes bulk-insert ``ctx.count("needs")`` needs in every status over two years, 2-3 bids on
every need past its deadline (0-2 on open ones) and the winners of the awarded ones; the projects'
large step makes their projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from apps.bidding import services, text_index
from apps.bidding.models import Need, Proposal
from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.funds.models import Fund
from apps.funds.services import fund_income_record
from apps.workers.services import worker_profile_save

# status → share of the large and city sizes' needs (sums to 1).
LARGE_NEED_STATUSES = [
    ("draft", 0.06),
    ("published", 0.15),
    ("evaluating", 0.06),
    ("notice", 0.04),
    ("awarded", 0.55),
    ("cancelled", 0.07),
    ("failed", 0.07),
]

RUBRIC_CODES = ("need_fit", "approach", "team", "budget", "track_record")
TITLES = [
    ("elderly", "独居老人探访与助餐服务", "为辖区独居、空巢老人提供居家养老服务：每周探访、助餐配送和健康监测。"),
    ("children_youth", "四点半课堂课后托管", "放学后为双职工家庭儿童提供作业辅导、阅读和兴趣活动。"),
    ("community_building", "院落自治与邻里营造", "培育院落议事会，开展邻里节和社区微更新。"),
    ("mental_health", "青少年心理健康支持", "面向中学生开展心理健康讲座、团体辅导和个案陪伴。"),
    ("disability", "残障人士就业能力提升", "为持证残障人士提供职业技能培训和岗位对接。"),
    ("environment", "垃圾分类宣传督导", "组织志愿者开展垃圾分类入户宣传和定点督导。"),
    ("mediation", "邻里纠纷调解服务", "设立调解工作室，培育居民调解员。"),
    ("health", "慢病患者健康管理", "联合社区卫生服务中心开展慢病随访和健康讲座。"),
]

BENEFICIARY_GROUPS = {
    "elderly": "独居、空巢老人",
    "children_youth": "双职工家庭儿童",
    "community_building": "院落居民",
    "mental_health": "中学生",
    "disability": "持证残障人士",
    "environment": "小区居民",
    "mediation": "社区居民",
    "health": "慢性病患者",
}


@demo_step("bidding", after=("workers", "funds"))
def seed(ctx: DemoContext) -> None:
    users, data = ctx.users, ctx.data
    orgs, workers, communities = data["organizations"], data["workers"], data["communities"]
    staff = {communities[0].pk: users["yulin_staff"], communities[3].pk: users["wangjiang_staff"]}
    reviewers = [users[f"reviewer{i}"] for i in range(1, 6)]
    platform = users["staff"]
    now = ctx.now
    needs: list[Need] = []
    projects: list = []

    def make(status_plan: str, n: int, community, *, deadline: dt.datetime) -> Need:
        code, title, description = TITLES[n % len(TITLES)]
        base = Decimal(ctx.rng.randrange(40, 160) * 1000)
        start = max(ctx.today + dt.timedelta(days=5), deadline.date() + dt.timedelta(days=3))
        need = Need.objects.create(
            community=community,
            title=f"{community.name}{title}",
            description=description,
            category=Category.objects.get(code=code),
            beneficiaries=ctx.rng.randrange(30, 300),
            beneficiary_group=BENEFICIARY_GROUPS[code],
            budget_min=base,
            budget_max=base * 2,
            service_start=start,
            service_end=start + dt.timedelta(days=240),
            min_worker_level="assistant",
            workers_needed=2,
            bid_deadline=deadline,
            fund=Fund.objects.filter(community=community).first(),
            created_by=staff[community.pk],
            status=Need.Status.DRAFT if status_plan == "draft" else Need.Status.PUBLISHED,
            # Ten days before the deadline, and never in the future.
            published_at=None
            if status_plan == "draft"
            else min(deadline - dt.timedelta(days=10), now - dt.timedelta(days=1)),
        )
        needs.append(need)
        return need

    def bid(need: Need, org_index: int, *, draft: bool = False, factor: str = "1.3", team=None):
        if team is None:
            team = [w for w in workers if w.user.memberships.filter(organization=orgs[org_index]).exists()]
            team = [w for w in team if w.verified and w.registered_until >= need.service_end][:2]
        total = (need.budget_min * Decimal(factor)).quantize(Decimal("1"))
        return services.proposal_submit(
            actor=users[("org_admin", "org2_admin", "org3_admin", "enterprise_admin")[org_index]],
            need=need,
            organization=orgs[org_index],
            title=f"{need.title}实施方案"[:120],
            summary="需求调研、分阶段服务、成效评估。",
            approach="第一阶段入户走访建档；第二阶段开展常态化服务；第三阶段总结评估并培育居民骨干。",
            budget_lines=[
                {"item": "人员经费", "amount": total * Decimal("0.7")},
                {"item": "活动经费", "amount": total - total * Decimal("0.7")},
            ],
            milestones=[
                {"title": "服务启动", "due_date": need.service_start, "payment_percent": Decimal("30")},
                {
                    "title": "中期评估",
                    "due_date": need.service_start + dt.timedelta(days=120),
                    "payment_percent": Decimal("40"),
                },
                {"title": "结项验收", "due_date": need.service_end, "payment_percent": Decimal("30")},
            ],
            team=[{"worker": w, "role": "项目社工"} for w in team],
            draft=draft,
            now=need.bid_deadline - dt.timedelta(days=3),
        )

    def panel_and_scores(need: Need, *, complete: bool, when: dt.datetime) -> None:
        services.need_panel_set(actor=platform, need=need, reviewers=reviewers)
        services.need_close_bidding(need=need, now=when)
        for reviewer in reviewers:
            services.reviewer_declare(actor=reviewer, need=need, conflict=False, now=when)
        proposals = list(need.proposals.filter(status="submitted"))
        for i, reviewer in enumerate(reviewers):
            for j, proposal in enumerate(proposals):
                if not complete and i >= 2:
                    continue
                scores = {c: min(100, 60 + ctx.rng.randrange(0, 30) + (5 if j == 0 else 0)) for c in RUBRIC_CODES}
                services.proposal_score(actor=reviewer, proposal=proposal, scores=scores, comment="方案可行", now=when)

    def project_grant(need: Need) -> None:
        """The district's project grant, booked into the community fund before the award reserves it."""
        fund_income_record(
            fund=need.fund,
            amount_fen=int(need.budget_max * 100),
            source="区民政局社区发展治理专项资金",
            memo=f"{need.title}项目资金",
            idempotency_key=f"demo-project-grant-{need.pk}",
            actor=users.get("fund_manager"),
        )

    c0, c1 = communities[0], communities[3]
    future = now + dt.timedelta(days=12)
    past = now - dt.timedelta(days=2)

    make("draft", 1, c0, deadline=future)
    open_need = make("published", 0, c0, deadline=future)  # elderly care, the commonest need
    bid(open_need, 0)
    bid(open_need, 1)
    bid(open_need, 2, draft=True)
    open2 = make("published", 2, c1, deadline=now + dt.timedelta(hours=20))
    bid(open2, 1, draft=True)

    ask_questions(
        ctx, open_need, staff=staff[c0.pk], askers=[(users["org2_admin"], orgs[1]), (users["org_admin"], orgs[0])]
    )
    ask_questions(ctx, open2, staff=staff[c1.pk], askers=[(users["org3_admin"], orgs[2])])

    evaluating = make("published", 3, c0, deadline=past)
    bid(evaluating, 0)
    bid(evaluating, 1, factor="1.1")
    panel_and_scores(evaluating, complete=False, when=now)

    in_notice = make("published", 4, c1, deadline=past - dt.timedelta(days=1))
    bid(in_notice, 1)
    bid(in_notice, 2, factor="1.2")
    panel_and_scores(in_notice, complete=True, when=now - dt.timedelta(days=1))
    project_grant(in_notice)
    services.need_award(actor=platform, need=in_notice, now=now - dt.timedelta(days=1))
    services.objection_file(
        actor=users["org3_admin"],
        need=in_notice,
        text="请核实中标团队社工的登记有效期。",
        now=now - dt.timedelta(hours=5),
    )

    awarded = make("published", 5, c0, deadline=now - dt.timedelta(days=20))
    bid(awarded, 0)
    bid(awarded, 2, factor="1.5")
    award_time = now - dt.timedelta(days=15)
    panel_and_scores(awarded, complete=True, when=award_time)
    project_grant(awarded)
    services.need_award(actor=platform, need=awarded, now=award_time)
    dismissed = services.objection_file(
        actor=users["org2_admin"], need=awarded, text="评分过程是否公开？", now=award_time
    )
    services.objection_resolve(
        actor=platform,
        objection=dismissed,
        upheld=False,
        decision="经核查，评审专家均已声明无利益冲突，各项评分及加权计算过程已随公示一并公开，异议不成立，维持原评审结果。",
        now=award_time,
    )
    projects.append(services.need_finalize_award(need=awarded, now=now))

    cancelled = make("published", 6, c1, deadline=future)
    services.need_cancel(actor=staff[c1.pk], need=cancelled, reason="街道统筹实施，本社区暂不单独采购。")
    failed = make("published", 7, c0, deadline=past)
    services.need_close_bidding(need=failed, now=now)

    # The notice ended, but a worker of the winning team had changed their qualification during it
    # (a higher level, awaiting re-verification): no project can be made, so the need is stalled,
    # its staff are notified, and the grant stays reserved until they decide.
    stalled = make("published", 7, c1, deadline=now - dt.timedelta(days=9))
    bid(stalled, 1, team=[workers[1], workers[9]])
    panel_and_scores(stalled, complete=True, when=now - dt.timedelta(days=8))
    project_grant(stalled)
    services.need_award(actor=platform, need=stalled, now=now - dt.timedelta(days=8))
    promoted = workers[9]
    worker_profile_save(
        user=promoted.user,
        name=promoted.name,
        level="intermediate",
        certificate_no=promoted.certificate_no,
        registered_until=promoted.registered_until,
        skills=list(promoted.skills.all()),
    )
    services.need_finalize_award(need=stalled, now=now)

    data["needs"] = needs
    data.setdefault("projects", []).extend(projects)


# Clarification questions on open needs (#21): (question, answer, changes the terms).
QUESTIONS = [
    (
        "服务对象名单是否由社区提供？是否需要机构自行入户摸排？",
        "社区提供现有台账名单，中标机构需在启动后一个月内入户复核并补充建档。",
        False,
    ),
    (
        "助餐服务的场地由谁提供？是否可以使用社区日间照料中心的厨房？",
        "可使用社区日间照料中心厨房，水电费由社区承担；食品安全责任由中标机构承担。",
        False,
    ),
    ("预算是否包含志愿者交通补贴？", "", False),
]


def ask_questions(ctx: DemoContext, need: Need, *, staff, askers) -> None:
    """Questions asked soon after publication, answered half a day later (the third left open)."""
    for i, (text, answer, changes_terms) in enumerate(QUESTIONS[: len(askers) + 1]):
        actor, organization = askers[i % len(askers)]
        asked = need.published_at + dt.timedelta(hours=2 + i * 3)
        question = services.question_ask(actor=actor, need=need, organization=organization, text=text, now=asked)
        if answer:
            services.question_answer(
                actor=staff,
                question=question,
                answer=answer,
                changes_terms=changes_terms,
                now=asked + dt.timedelta(hours=12),
            )


@demo_step("bidding.large", size="large", after=("bidding", "workers.large", "funds.large_city"))
def seed_large(ctx: DemoContext) -> None:
    ctx.log(f"{ctx.size} demo: needs, proposals, projects …")
    rng, today, now, city = ctx.rng, ctx.today, ctx.now, ctx.data["large_city"]
    categories = {c.code: c for c in city["categories"]}
    communities, orgs = city["communities"], city["bidding_orgs"]
    fallback_staff = ctx.users["staff"]
    n = ctx.count("needs")
    statuses = [s for s, _w in LARGE_NEED_STATUSES]
    weights = [w for _s, w in LARGE_NEED_STATUSES]
    plan = []
    needs = []
    funded = ctx.funded_share
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
                fund=getattr(community, "fund", None) if funded >= 1 or rng.random() < funded else None,
                status=status,
                published_at=published,
                cancelled_reason="需求已由其他渠道解决" if status == "cancelled" else "",
                awarded_at=awarded,
                notice_ends_at=notice_ends,
                created_by=city["staff_by_community"].get(community.pk, fallback_staff),
            )
        )
        plan.append(status)
    needs = ctx.insert(Need, needs, "needs")
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
    winners: dict[int, Proposal] = {}
    for p, need in zip(proposals, owners, strict=True):
        if status_of[need.pk] == "failed":
            p.status = "ineligible"
        if status_of[need.pk] in ("awarded", "notice") and need.pk not in winners:
            winners[need.pk] = p
            if status_of[need.pk] == "awarded":
                p.status = "awarded"
    ctx.insert(Proposal, proposals, "proposals")
    awarded_needs = [need for need in needs if need.pk in winners]
    with connection.cursor() as cursor:
        pairs = [(winners[need.pk].pk, need.pk) for need in awarded_needs]
        if connection.vendor == "postgresql":  # one statement (the city awards 165,000)
            cursor.execute(
                "UPDATE bidding_need AS n SET awarded_proposal_id = v.proposal_id"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS v(proposal_id, need_id) WHERE n.id = v.need_id",
                [[p for p, _n in pairs], [n for _p, n in pairs]],
            )
        else:
            cursor.executemany("UPDATE bidding_need SET awarded_proposal_id = %s WHERE id = %s", pairs)
    for need in awarded_needs:
        need.awarded_proposal_id = winners[need.pk].pk
    # The awarded needs and their winning bids become projects (apps.projects.demo.seed_large).
    city["awarded"] = [(need, winners[need.pk]) for need in awarded_needs if status_of[need.pk] == "awarded"]
