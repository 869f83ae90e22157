"""The demo city's organizations: six in the first districts (five verified, one pending); the
large and city sizes add ``ctx.count("organizations")`` more across every district."""

from __future__ import annotations

import datetime as dt

from apps.core.demo import DemoContext, demo_step
from apps.organizations.models import Organization
from apps.regions.models import Region

ORG_KINDS = ["社会工作服务中心", "社区发展中心", "公益服务社", "社会工作服务社", "志愿服务协会"]


@demo_step("organizations", after=("regions",))
def seed(ctx: DemoContext) -> None:
    districts = ctx.data["districts"]
    org_names = [
        ("成都市武侯区爱有戏社区发展中心", "social_service_org", districts[0]),
        ("成都市锦江区长者乐社会工作服务中心", "social_service_org", districts[1]),
        ("成都市成华区益童行青少年服务社", "social_service_org", districts[2]),
        ("成都玉林邻里社会企业有限公司", "company", districts[0]),
        ("成都市心桥心理健康服务中心", "social_service_org", districts[1]),
        ("成都市武侯区绿色家园环保协会", "social_group", districts[0]),
    ]
    orgs = []
    for i, (name, form, region) in enumerate(org_names):
        kind = "91" if form == "company" else ("52" if form == "social_service_org" else "51")
        org = Organization.objects.create(
            name=name,
            legal_form=form,
            credit_code=ctx.credit_code(region.code, kind),
            registered_on=ctx.today - dt.timedelta(days=365 * (2 + i % 4) + 40 * i),
            region=region,
            address=f"{region.name}{ctx.rng.randint(1, 300)}号",
            description=f"{name}扎根社区，提供专业社会工作服务。",
            salaried_staff=3 + i * 2,
            status="verified" if i < 5 else "pending",
            verified_at=ctx.now if i < 5 else None,
        )
        orgs.append(org)
    ctx.data["organizations"] = orgs


@demo_step("organizations.large", size="large", after=("regions.large",))
def seed_large(ctx: DemoContext) -> None:
    rng, city = ctx.rng, ctx.data["large_city"]
    words = city["place_words"]
    all_districts = list(Region.objects.filter(level="district").order_by("code"))
    orgs = []
    for i in range(ctx.count("organizations")):
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
    city["orgs"] = ctx.insert(Organization, orgs, "organizations")
