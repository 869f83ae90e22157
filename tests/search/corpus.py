"""A deterministic corpus of ≥2,000 public documents (plus private ones) for the gold file.

Anchors are the named documents the gold queries expect (or must never return); fillers are
realistic community needs, organizations, workers and pages built from a seeded RNG over a
vocabulary that does not use the anchors' distinctive words.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from apps.accounts.models import User
from apps.bidding.models import Need, Proposal
from apps.core.models import Category
from apps.organizations.models import Organization
from apps.projects.models import Project
from apps.regions.models import Region
from apps.workers.models import SocialWorker
from cms.models import StandardPage
from tests.factories.core import valid_credit_code

NEED_ANCHORS = {
    "n_center": (
        "玉林东路社区养老服务中心运营",
        "为社区60岁以上长者提供日间照料、助餐和康复服务。",
        "elderly",
        "published",
    ),
    "n_canteen": (
        "长者饭堂助餐服务",
        "在社区开设长者饭堂，每日为高龄独居老人提供午餐和送餐上门。",
        "elderly",
        "published",
    ),
    "n_homecare": ("居家养老上门服务", "为失能半失能老人提供上门护理和陪伴。", "elderly", "evaluating"),
    "n_disab": ("残疾人康复与就业支持", "为辖区残疾人提供康复训练、辅具适配和就业指导。", "disability", "published"),
    "n_youth": ("四点半课堂", "放学后为困境儿童和留守儿童提供课业辅导与安全看护。", "children_youth", "published"),
    "n_mental": ("青少年心理健康辅导", "为中学生开展心理疏导小组和个案辅导。", "mental_health", "notice"),
    "n_mediation": ("邻里矛盾调解室建设", "培训调解员，化解物业纠纷和邻里矛盾。", "mediation", "published"),
    "n_timebank": (
        "时间银行志愿服务积分",
        "建立社区时间银行，记录志愿者服务时长并兑换服务。",
        "community_building",
        "published",
    ),
    "n_aging": ("老旧小区适老化改造", "为老年人家庭安装扶手、防滑地面等适老化设施。", "elderly", "published"),
    "n_python": ("Python编程兴趣班", "面向青少年的Python与机器人编程课程，提升STEM素养。", "education", "published"),
    "n_ai": ("AI智能助老设备试点", "为独居老人配备智能手环和紧急呼叫设备。", "elderly", "published"),
    "n_sw_station": ("社工站运营服务", "街道社工站的日常运营、个案管理和资源链接。", "community_building", "published"),
    "n_dementia": ("认知障碍老人照护", "为阿尔茨海默病患者家庭提供喘息服务与照护培训。", "elderly", "published"),
    "n_hardship": ("困难家庭临时救助", "为低保、特困家庭提供物资援助和救助政策咨询。", "hardship", "published"),
    "n_employment": (
        "失业人员再就业培训",
        "开展家政、电商直播等技能培训，帮助失业人员再就业。",
        "employment",
        "published",
    ),
    "n_health": ("慢性病健康管理", "家庭医生签约居民的高血压、糖尿病随访管理。", "health", "published"),
    "n_awarded": ("望江楼社区助餐配送", "为社区高龄老人助餐配送午餐。", "elderly", "awarded"),
    "n_draft": ("长者饭堂扩建计划", "草稿：长者饭堂扩建，zhangzhefantang 尚未发布。", "elderly", "draft"),
    "n_cancel": ("社区养老服务中心二期", "已取消的养老服务中心项目。", "elderly", "cancelled"),
}

FILLER_TOPICS = [
    ("垃圾分类宣传", "environment"),
    ("社区绿化美化", "environment"),
    ("河道环境整治", "environment"),
    ("消防安全演练", "community_building"),
    ("反诈骗宣传", "community_building"),
    ("邻里节活动", "community_building"),
    ("楼栋自治议事", "community_building"),
    ("社区文艺汇演", "community_building"),
    ("亲子阅读活动", "education"),
    ("书法兴趣班", "education"),
    ("家庭教育讲座", "education"),
    ("交通安全教育", "education"),
    ("非遗文化传承", "education"),
    ("健康义诊", "health"),
    ("全民健身指导", "health"),
    ("法律知识普及", "other"),
    ("禁毒宣传", "other"),
    ("职业技能培训", "employment"),
    ("创业指导沙龙", "employment"),
]
ACTIVITIES = [
    "入户走访",
    "主题讲座",
    "互动游戏",
    "知识竞赛",
    "展板展示",
    "问卷调查",
    "小组讨论",
    "成果展示",
    "骨干培育",
]
ORG_WORDS = ["益民", "和谐", "同心", "邻里", "星火", "启航", "彩虹", "晨曦", "向日葵", "春风", "明德", "善行"]
ORG_SUFFIX = ["社会工作服务中心", "社区发展协会", "公益服务社", "文化促进会", "社区服务中心"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "丽娜敏静伟芳强磊洋艳勇杰娟涛明超秀霞平刚桂华玲燕"
PAGES = {
    "p_guide": ("社会工作者注册指南", "如何申请社会工作者职业资格登记与注册，需要准备的材料和办理流程。"),
    "p_about": ("关于三社联动", "社区、社会组织、社会工作者三社联动机制介绍。"),
    "p_faq": ("长者饭堂常见问题", "长者饭堂用餐登记、收费标准与营业时间。"),
}


def _tree():
    city = Region.objects.get_or_create(code="510100000000", defaults={"name": "成都市", "level": "city"})[0]
    communities = []
    spec = {
        ("510107000000", "武侯区"): [("510107006000", "玉林街道", ["玉林东路社区", "玉林北路社区"])],
        ("510104000000", "锦江区"): [("510104020000", "春熙路街道", ["和平社区", "崇德里社区"])],
        ("510108000000", "成华区"): [("510108003000", "猛追湾街道", ["望平社区", "香香巷社区"])],
    }
    districts = {}
    for (dcode, dname), streets in spec.items():
        d = Region.objects.get_or_create(code=dcode, defaults={"name": dname, "level": "district", "parent": city})[0]
        districts[dname] = d
        for scode, sname, comms in streets:
            s = Region.objects.get_or_create(code=scode, defaults={"name": sname, "level": "street", "parent": d})[0]
            for i, cname in enumerate(comms, start=1):
                code = scode[:9] + f"{i:03d}"
                c = Region.objects.get_or_create(
                    code=code, defaults={"name": cname, "level": "community", "parent": s}
                )[0]
                communities.append(c)
    return districts, communities


def build_corpus(*, seed: int = 8, filler_needs: int = 2000, filler_orgs: int = 300, filler_workers: int = 200):
    rng = random.Random(seed)
    districts, communities = _tree()
    cats = {c.code: c for c in Category.objects.all()}
    creator = User.objects.create(username="corpus-creator")
    now = timezone.now()
    today = timezone.localdate()

    def need(title, desc, cat, status, community):
        return Need(
            community=community,
            title=title,
            description=desc,
            category=cats[cat],
            beneficiaries=rng.randint(10, 500),
            budget_min=Decimal("1000.00"),
            budget_max=Decimal("50000.00"),
            service_start=today,
            service_end=today + dt.timedelta(days=180),
            min_worker_level="assistant",
            workers_needed=2,
            bid_deadline=now + dt.timedelta(days=10),
            status=status,
            published_at=None if status == "draft" else now,
            created_by=creator,
        )

    keys: dict[str, tuple[str, str]] = {}
    anchors = [need(t, d, c, s, communities[0]) for t, d, c, s in NEED_ANCHORS.values()]
    Need.objects.bulk_create(anchors)
    for name, obj in zip(NEED_ANCHORS, anchors, strict=True):
        keys[name] = ("need", str(obj.pk))
    fillers = []
    for i in range(filler_needs):
        topic, cat = rng.choice(FILLER_TOPICS)
        community = rng.choice(communities)
        acts = rng.sample(ACTIVITIES, 3)
        desc = (
            f"{community.name}计划开展{topic}，预计服务居民{rng.randint(50, 2000)}人次，"
            f"活动包括{acts[0]}、{acts[1]}和{acts[2]}。第{i + 1}期。"
        )
        status = rng.choice(["published"] * 6 + ["evaluating", "awarded", "draft", "cancelled"])
        fillers.append(need(f"{community.name}{topic}", desc, cat, status, community))
    Need.objects.bulk_create(fillers, batch_size=500)

    counter = iter(range(1, 100_000))

    def org(name, desc, region, status="verified"):
        return Organization(
            name=name,
            legal_form="social_service_org",
            credit_code=valid_credit_code(next(counter)),
            registered_on=today - dt.timedelta(days=1000),
            region=region,
            description=desc,
            status=status,
        )

    org_anchors = {
        "o_xinlianxin": org(
            "武侯区心连心社会工作服务中心", "专注为老服务和社区营造的社会工作机构。", districts["武侯区"]
        ),
        "o_jinjiang": org("锦江区阳光助残服务中心", "为残障人士提供康复和就业服务。", districts["锦江区"]),
        "o_green": org("成都绿色家园环保协会", "开展河道保护和环保宣传。", districts["成华区"]),
        "o_youth": org("成华区青少年成长服务社", "青少年心理健康和成长辅导。", districts["成华区"]),
        "o_pending": org("待审核的养老机构", "尚未审核的养老服务机构。", districts["武侯区"], status="pending"),
    }
    Organization.objects.bulk_create(org_anchors.values())
    for name, obj in org_anchors.items():
        keys[name] = ("organization", str(obj.pk))
    Organization.objects.bulk_create(
        [
            org(
                f"成都市{rng.choice(list(districts))}{rng.choice(ORG_WORDS)}{rng.choice(ORG_SUFFIX)}{i}",
                f"致力于{rng.choice(FILLER_TOPICS)[0]}和{rng.choice(FILLER_TOPICS)[0]}等社区服务。",
                rng.choice(list(districts.values())),
                status=rng.choice(["verified"] * 4 + ["pending"]),
            )
            for i in range(filler_orgs)
        ],
        batch_size=500,
    )

    worker_specs = [("w_li", "李秀英", ["elderly", "mental_health"], True), ("w_zhang", "张建国", ["disability"], True)]
    worker_specs.append(("w_hidden", "王私密", ["elderly"], False))
    names = set()
    while len(names) < filler_workers:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if name not in {"李秀英", "张建国", "王私密"}:
            names.add(name)
    other_skills = [c for c in cats if c not in ("elderly", "disability", "mental_health")]
    worker_specs += [(None, n, rng.sample(other_skills, 2), True) for n in sorted(names)]
    users = User.objects.bulk_create([User(username=f"corpus-w{i}") for i in range(len(worker_specs))])
    workers = SocialWorker.objects.bulk_create(
        [
            SocialWorker(
                user=u,
                name=name,
                level=rng.choice(["assistant", "intermediate", "senior"]),
                certificate_no=f"SW-CORPUS-{i:05d}",
                registered_until=today + dt.timedelta(days=700),
                verified=True,
                public_profile=public,
            )
            for i, (u, (_k, name, _s, public)) in enumerate(zip(users, worker_specs, strict=True))
        ]
    )
    through = SocialWorker.skills.through
    through.objects.bulk_create(
        [
            through(socialworker_id=w.pk, category_id=cats[code].pk)
            for w, (_k, _n, skills, _p) in zip(workers, worker_specs, strict=True)
            for code in skills
        ]
    )
    for w, (key, *_rest) in zip(workers, worker_specs, strict=True):
        if key:
            keys[key] = ("worker", str(w.pk))

    awarded = Need.objects.get(pk=keys["n_awarded"][1])
    winner = Organization.objects.get(pk=keys["o_xinlianxin"][1])
    proposal = Proposal.objects.create(
        need=awarded,
        organization=winner,
        title="SEALEDBIDX 助餐配送投标",
        summary="竞标报价明细 SEALEDBIDX",
        approach="SEALEDBIDX 方案",
        total_amount=Decimal("30000.00"),
        status="awarded",
        created_by=creator,
    )
    keys["x_proposal"] = ("proposal", str(proposal.pk))
    project = Project.objects.create(
        need=awarded,
        proposal=proposal,
        organization=winner,
        community=awarded.community,
        title="望江楼社区助餐配送项目实施",
        amount=Decimal("30000.00"),
        start_date=today,
        end_date=today + dt.timedelta(days=180),
    )
    keys["j_meals"] = ("project", str(project.pk))

    root = Page.objects.get(depth=1)
    home = root.get_children().first() or root
    for key, (title, text) in PAGES.items():
        page = home.add_child(
            instance=StandardPage(
                title=title, slug=key.replace("_", "-"), body=[("paragraph", RichText(f"<p>{text}</p>"))]
            )
        )
        keys[key] = ("page", str(page.pk))
    hidden = home.add_child(
        instance=StandardPage(
            title="内部培训资料", slug="internal", live=False, body=[("paragraph", RichText("<p>内部培训资料</p>"))]
        )
    )
    keys["p_hidden"] = ("page", str(hidden.pk))
    for i in range(30):
        topic = rng.choice(FILLER_TOPICS)[0]
        home.add_child(
            instance=StandardPage(
                title=f"{topic}活动回顾{i + 1}",
                slug=f"news-{i}",
                body=[("paragraph", RichText(f"<p>{topic}圆满结束，{rng.choice(ACTIVITIES)}获得居民好评。</p>"))],
            )
        )
    return keys
