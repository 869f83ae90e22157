"""Demo certification data: an application in every status, certified enterprises, one revoked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.certification import services
from apps.certification.models import Application
from apps.core.demo import DemoContext, demo_step
from apps.organizations.models import Organization

EXTRA_ENTERPRISES = [
    ("成都望江助老餐桌社会企业有限公司", "draft"),
    ("成都春熙残障就业工坊有限公司", "submitted"),
    ("成都书院街绿色回收社会企业有限公司", "returned"),
    ("成都猛追湾社区托育服务有限公司", "expert_review"),
    ("成都崇德里社区书店有限公司", "notice"),
    ("成都大慈寺文创帮扶有限公司", "rejected"),
    ("成都九眼桥社区照护服务有限公司", "expired"),
    ("成都黉门街邻里洗衣坊有限公司", "revoked"),
]


def _facts(ctx: DemoContext, org) -> dict:
    total = Decimal(ctx.rng.randint(60, 300) * 10000)
    return {
        "salaried_staff": ctx.rng.randint(4, 25),
        "revenue_total": total,
        "revenue_commercial": (total * Decimal(ctx.rng.randint(55, 90)) / 100).quantize(Decimal("0.01")),
        "profit_distributable": (total / 10).quantize(Decimal("0.01")),
        "profit_distributed": (total / 50).quantize(Decimal("0.01")),
        "mission_in_articles": True,
        "asset_lock": True,
        "mission_statement": f"{org.name}以解决社区问题为首要目标，利润主要用于社区公益和再投资。",
        "beneficiaries": "社区老人、残障人士与困难家庭",
    }


def _drive(ctx: DemoContext, org, admin, target: str, *, certified_on: dt.date | None = None) -> Application:
    staff = ctx.users["staff"]
    reviewers = [ctx.users[f"reviewer{i}"] for i in range(1, 4)]
    application = services.certification_create(actor=admin, organization=org, **_facts(ctx, org))
    if target == "draft":
        return application
    services.certification_submit(actor=admin, application=application)
    if target == "submitted":
        return application
    if target == "returned":
        services.certification_preliminary(
            actor=staff, application=application, decision="return", note="请补充公司章程中资产锁定条款的原文。"
        )
        return application
    services.certification_preliminary(actor=staff, application=application, decision="pass", note="材料齐全")
    services.certification_panel_set(actor=staff, application=application, reviewers=reviewers)
    low = target == "rejected"
    for i, reviewer in enumerate(reviewers):
        services.certification_declare(actor=reviewer, application=application, conflict=False)
        if target == "expert_review" and i > 0:
            continue
        score = ctx.rng.randint(40, 55) if low else ctx.rng.randint(68, 92)
        services.certification_score(
            actor=reviewer, application=application, score=score, comment="社会目标清晰，财务合规。"
        )
    if target == "expert_review":
        return application
    services.certification_decide(actor=staff, application=application)
    application.refresh_from_db()
    if target in ("notice", "rejected"):
        if target == "notice":
            services.certification_object(
                actor=ctx.users["yulin_staff"], application=application, text="该企业去年分红比例疑似偏高，请核实。"
            )
        return application
    Application.objects.filter(pk=application.pk).update(notice_ends_at=ctx.now - dt.timedelta(days=1))
    application.refresh_from_db()
    certificate = services.certification_certify(application=application, today=certified_on or ctx.today)
    if certified_on and certified_on < ctx.today:
        certificate.annual_reports.filter(due_on__lt=ctx.today).update(
            submitted_at=ctx.now, submitted_by=admin, summary="年度社会影响报告：服务居民逾千人次。"
        )
    if target == "revoked":
        services.certification_revoke(
            actor=staff, application=application, reason="经核查，企业违反章程超额分红，撤销社会企业认定（摘牌）。"
        )
    application.refresh_from_db()
    return application


@demo_step("certification", after=("accounts",))
def seed(ctx: DemoContext) -> None:
    orgs = ctx.data["organizations"]
    enterprise, admin = orgs[3], ctx.users["enterprise_admin"]
    certified = _drive(ctx, enterprise, admin, "certified", certified_on=ctx.today - dt.timedelta(days=200))
    districts = ctx.data["districts"]
    extra = []
    for i, (name, target) in enumerate(EXTRA_ENTERPRISES):
        region = districts[i % len(districts)]
        org = Organization.objects.create(
            name=name,
            legal_form="company" if i % 3 else "social_service_org",
            credit_code=ctx.credit_code(region.code, "91"),
            registered_on=ctx.today - dt.timedelta(days=365 * 3 + 17 * i),
            region=region,
            address=f"{region.name}{ctx.rng.randint(1, 300)}号",
            description=f"{name}以商业手段解决社区问题。",
            salaried_staff=6 + i,
            status="verified",
            verified_at=ctx.now,
        )
        membership_add(user=admin, role=Role.ORG_ADMIN, organization=org)
        when = None
        if target == "expired":
            when = ctx.today - dt.timedelta(days=365 * 3 + 30)
        elif target == "revoked":
            when = ctx.today - dt.timedelta(days=400)
        extra.append(_drive(ctx, org, admin, target, certified_on=when))
    services.certificates_expire(today=ctx.today)
    services.annual_reports_enforce(today=ctx.today)
    ctx.data["certifications"] = [certified, *extra]
    ctx.data["social_enterprises"] = [enterprise]
