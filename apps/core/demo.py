"""The demo city's foundation: regions, categories, parties and demo accounts.

Each app adds its own demo data in ``apps/<app>/demo.py`` with ``seed(ctx)``; seed_demo calls
them in ``DEMO_ORDER``. Everything derives from ``ctx.rng`` so a seed replays exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from apps.core.validators import CREDIT_CODE_CHARS, credit_code_check_char

DEMO_PASSWORD = "sanshe-demo-2026"
DEMO_ORDER = (
    "apps.core",
    "apps.funds",
    "apps.ledger",
    "apps.bidding",
    "apps.projects",
    "apps.revenue",
    "apps.cooperatives",
    "apps.certification",
    "apps.dispatch",
    "apps.notifications",
    "apps.stats",
    "cms",
    "apps.search",
)

CATEGORIES = [
    ("elderly", "为老服务", "Elderly care"),
    ("disability", "助残服务", "Disability support"),
    ("children_youth", "儿童青少年", "Children and youth"),
    ("community_building", "社区营造", "Community building"),
    ("environment", "环境保护", "Environment"),
    ("employment", "就业帮扶", "Employment"),
    ("mental_health", "心理健康", "Mental health"),
    ("mediation", "矛盾调解", "Mediation"),
    ("health", "健康服务", "Health"),
    ("education", "教育服务", "Education"),
    ("hardship", "困难救助", "Hardship relief"),
    ("other", "其他", "Other"),
]

# Chengdu → districts → streets → communities (real-looking names, 12-digit codes).
CITY = ("510100000000", "成都市")
DISTRICTS = {
    ("510107000000", "武侯区"): {
        ("510107006000", "玉林街道"): ["玉林东路社区", "玉林北路社区", "黉门街社区"],
        ("510107007000", "望江路街道"): ["望江楼社区", "九眼桥社区"],
    },
    ("510104000000", "锦江区"): {
        ("510104020000", "春熙路街道"): ["和平社区", "崇德里社区"],
        ("510104021000", "书院街街道"): ["书院街社区", "大慈寺社区"],
    },
    ("510108000000", "成华区"): {
        ("510108003000", "猛追湾街道"): ["望平社区", "香香巷社区"],
    },
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "丽娜敏静伟芳强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玲建国晓燕"


@dataclass
class DemoContext:
    seed: int
    size: str
    rng: random.Random
    now: dt.datetime = field(default_factory=timezone.now)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, scope
    users: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    scale: float = 1.0  # multiplies the large size's counts (seed_demo --scale)
    log: Callable[[str], None] = print  # progress lines of the large size

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def large(self) -> bool:
        return self.size == "large"

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def credit_code(self, region_code: str, kind: str = "52") -> str:
        body = kind + region_code[:6] + "".join(self.rng.choice(CREDIT_CODE_CHARS) for _ in range(9))
        return body + credit_code_check_char(body)

    def account(self, username: str, role: str, *, scope_label: str = "", totp_secret: str | None = None, **scope):
        from apps.accounts.models import User
        from apps.accounts.services import account_create, membership_add

        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_create(
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@demo.sanshe.local",
                display_name=self.person_name(),
                check_password=False,
            )
        membership_add(user=user, role=role, **scope)
        if totp_secret:
            from allauth.mfa.models import Authenticator
            from allauth.mfa.totp.internal.auth import TOTP

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, totp_secret)
        self.accounts.append((username, role, scope_label))
        self.users[username] = user
        return user


# A fixed, public demo secret so a newcomer can add it to an authenticator app (demo only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def seed(ctx: DemoContext) -> None:
    from apps.accounts.models import Role
    from apps.core.models import Category
    from apps.core.selectors import policy_current
    from apps.dispatch.models import Unit
    from apps.funds.models import Fund
    from apps.organizations.models import Organization
    from apps.regions.models import Region
    from apps.workers.models import SocialWorker

    for i, (code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": i})
    policy_current()

    city = Region.objects.create(code=CITY[0], name=CITY[1], level="city")
    communities, streets, districts = [], [], []
    for (dcode, dname), street_map in DISTRICTS.items():
        district = Region.objects.create(code=dcode, name=dname, level="district", parent=city)
        districts.append(district)
        for (scode, sname), community_names in street_map.items():
            street = Region.objects.create(code=scode, name=sname, level="street", parent=district)
            streets.append(street)
            for i, cname in enumerate(community_names, start=1):
                community = Region.objects.create(
                    code=f"{scode[:9]}{i:03d}", name=cname, level="community", parent=street
                )
                communities.append(community)
                for g in range(1, 4):
                    Region.objects.create(
                        code=f"{community.code}-{g:02d}", name=f"{cname}第{g}网格", level="grid", parent=community
                    )
                Fund.objects.create(code=f"fund-{community.code}", name=f"{cname}基金", community=community)
    ctx.data.update(city=city, districts=districts, streets=streets, communities=communities)

    units = []
    for street in streets:
        units.append(
            Unit.objects.create(
                code=f"unit-{street.code}-city", name=f"{street.name}城市管理科", kind="street_office", region=street
            )
        )
        units.append(
            Unit.objects.create(
                code=f"unit-{street.code}-social", name=f"{street.name}社区发展科", kind="street_office", region=street
            )
        )
    for district in districts:
        units.append(
            Unit.objects.create(
                code=f"unit-{district.code}-env",
                name=f"{district.name}生态环境局",
                kind="district_department",
                region=district,
            )
        )
    ctx.data["units"] = units

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

    c0 = communities[0]
    ctx.account("staff", Role.PLATFORM_STAFF, scope_label="平台", totp_secret=DEMO_TOTP_SECRET)
    ctx.account("yulin_staff", Role.COMMUNITY_STAFF, community=c0, scope_label=c0.name)
    ctx.account("yulin_grid", Role.GRID_WORKER, community=c0, scope_label=c0.name)
    c1 = communities[3]
    ctx.account("wangjiang_staff", Role.COMMUNITY_STAFF, community=c1, scope_label=c1.name)
    ctx.account("org_admin", Role.ORG_ADMIN, organization=orgs[0], scope_label=orgs[0].name)
    ctx.account("org_member", Role.ORG_MEMBER, organization=orgs[0], scope_label=orgs[0].name)
    ctx.account("org2_admin", Role.ORG_ADMIN, organization=orgs[1], scope_label=orgs[1].name)
    ctx.account("org3_admin", Role.ORG_ADMIN, organization=orgs[2], scope_label=orgs[2].name)
    ctx.account("enterprise_admin", Role.ORG_ADMIN, organization=orgs[3], scope_label=orgs[3].name)
    for i in range(1, 6):
        ctx.account(f"reviewer{i}", Role.REVIEWER, scope_label="专家库", totp_secret=DEMO_TOTP_SECRET)
    ctx.account("fund_manager", Role.FUND_MANAGER, fund=c0.fund, scope_label=c0.fund.name, totp_secret=DEMO_TOTP_SECRET)
    ctx.account("street_officer", Role.STREET_OFFICER, region=streets[0], scope_label=streets[0].name)
    ctx.account("district_officer", Role.DISTRICT_OFFICER, region=districts[0], scope_label=districts[0].name)
    ctx.account("unit_staff", Role.UNIT_STAFF, unit=units[0], scope_label=units[0].name)

    levels = ["assistant", "intermediate", "senior"]
    skills = list(Category.objects.all())
    workers = []
    for i in range(12):
        org = orgs[i % 4]
        username = "worker" if i == 0 else f"worker{i + 1}"
        user = ctx.account(username, Role.SOCIAL_WORKER, organization=org, scope_label=org.name)
        worker = SocialWorker.objects.create(
            user=user,
            name=user.display_name,
            level=levels[i % 3] if i else "intermediate",
            certificate_no=f"SW{2019 + i % 5}51{ctx.rng.randint(100000, 999999)}",
            registered_until=ctx.today + dt.timedelta(days=400 + 60 * i)
            if i != 11
            else ctx.today + dt.timedelta(days=45),
            verified=i != 10,
            verified_at=ctx.now if i != 10 else None,
            qualified_since=ctx.today - dt.timedelta(days=900),
        )
        worker.skills.set(ctx.rng.sample(skills, 3))
        workers.append(worker)
    ctx.data["workers"] = workers
