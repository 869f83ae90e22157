"""Demo needs in every status, with sealed bids, panels, scores, an objection, one award that
becomes a project through project_create_from_award, and one that stalls at the end of its notice.
Each award reserves its grant in the community fund (apps.funds.payouts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.core.demo import DemoContext

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


def seed(ctx: DemoContext) -> None:
    from apps.bidding import services
    from apps.bidding.models import Need
    from apps.core.models import Category
    from apps.funds.models import Fund
    from apps.workers.services import worker_profile_save

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
            published_at=None if status_plan == "draft" else deadline - dt.timedelta(days=10),
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
            title=f"{orgs[org_index].name[:12]}服务方案",
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
        from apps.funds.services import fund_income_record

        fund_income_record(
            fund=need.fund,
            amount_fen=int(need.budget_max * 100),
            source="区民政局社区发展治理专项资金",
            memo=f"{need.title}项目资金",
            idempotency_key=f"demo-project-grant-{need.pk}",
            user=users.get("fund_manager"),
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
    services.objection_resolve(actor=platform, objection=dismissed, upheld=False, now=award_time)
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
