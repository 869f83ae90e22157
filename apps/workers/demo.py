"""The demo city's social workers: twelve with accounts in the first four organizations (one not
verified, one whose registration ends soon, short of continuing education) and their trainings;
the large size adds one per large-city worker account, with two skills each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.demo import demo_account
from apps.accounts.models import Role
from apps.core.bulk import BATCH
from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.workers.models import SocialWorker, Training
from apps.workers.services import training_reject, training_submit, training_verify, trainings_warn_shortfall

LEVELS = ["assistant", "intermediate", "senior"]


@demo_step("workers", after=("accounts", "organizations"))
def seed(ctx: DemoContext) -> None:
    orgs = ctx.data["organizations"]
    skills = list(Category.objects.all())
    workers = []
    for i in range(12):
        org = orgs[i % 4]
        username = "worker" if i == 0 else f"worker{i + 1}"
        user = demo_account(ctx, username, Role.SOCIAL_WORKER, organization=org, scope_label=org.name)
        worker = SocialWorker.objects.create(
            user=user,
            name=user.display_name,
            level=LEVELS[i % 3] if i else "intermediate",
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


@demo_step("workers.large", size="large", after=("accounts.large",))
def seed_large(ctx: DemoContext) -> None:
    rng, city = ctx.rng, ctx.data["large_city"]
    accounts = city["worker_accounts"]
    workers = [
        SocialWorker(
            user=u,
            name=u.display_name,
            level=LEVELS[i % 3],
            certificate_no=f"SWL{i + 1:07d}",
            registered_until=ctx.today + dt.timedelta(days=rng.randint(200, 1500)),
            verified=True,
            verified_at=ctx.now,
            qualified_since=ctx.today - dt.timedelta(days=rng.randint(800, 3000)),
        )
        for i, (u, _org) in enumerate(accounts)
    ]
    workers = ctx.insert(SocialWorker, workers, "social workers")
    categories = list(Category.objects.order_by("sort_order"))
    through = SocialWorker.skills.through
    through.objects.bulk_create(
        [through(socialworker_id=w.pk, category_id=c.pk) for w in workers for c in rng.sample(categories, 2)],
        batch_size=BATCH,
    )
    workers_by_org: dict[int, list] = defaultdict(list)
    for w, (_user, org) in zip(workers, accounts, strict=True):
        workers_by_org[org.pk].append(w)
    verified = [o for o in city["orgs"] if o.status == "verified"]
    city.update(
        bidding_orgs=[o for o in verified if workers_by_org[o.pk]], workers_by_org=workers_by_org, categories=categories
    )


# A minimal PDF: the demo's certificates of completion (uploads are checked by content).
CERTIFICATE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ADMINS = ("org_admin", "org2_admin", "org3_admin", "enterprise_admin")
# (worker index, title, provider, kind, hours, days ago, decision: "verified", "rejected" or None)
TRAININGS = [
    (0, "社区养老服务专题培训", "成都市社会工作者协会", Training.Kind.TRAINING, "24", 300, "verified"),
    (0, "儿童保护与个案管理网络课程", "四川省社会工作继续教育平台", Training.Kind.COURSE, "16", 120, "verified"),
    (0, "社会工作督导实务工作坊", "西南财经大学社会工作系", Training.Kind.TRAINING, "12", 20, None),
    (0, "心理急救线上讲座", "某在线学习平台", Training.Kind.COURSE, "6", 60, "rejected"),
    (1, "社会工作伦理与法规", "成都市社会工作者协会", Training.Kind.TRAINING, "30", 200, "verified"),
    (2, "社区营造与居民参与", "四川大学公共管理学院", Training.Kind.DEGREE, "40", 400, "verified"),
    (11, "老年社会工作实务", "成都市社会工作者协会", Training.Kind.TRAINING, "20", 500, "verified"),
    (11, "社区矛盾调解技巧", "武侯区社会工作服务中心", Training.Kind.TRAINING, "8", 10, None),
]
REJECTION = "证书未加盖培训机构公章，请补充盖章后的证书重新提交。"


@demo_step("workers.trainings", after=("workers",))
def seed_trainings(ctx: DemoContext) -> None:
    """Continuing education in every state (verified, waiting, rejected) for the main demo worker
    and a few others; ``worker12``, whose registration ends in 45 days, has 20 of 90 hours and is
    warned (the warning job runs once here)."""
    workers = ctx.data["workers"]
    for index, title, provider, kind, hours, days_ago, decision in TRAININGS:
        worker = workers[index]
        training = training_submit(
            actor=worker.user,
            title=title,
            provider=provider,
            hours=Decimal(hours),
            completed_on=ctx.today - dt.timedelta(days=days_ago),
            kind=kind,
            certificate=SimpleUploadedFile(f"{title}结业证书.pdf", CERTIFICATE_PDF, content_type="application/pdf"),
        )
        admin = ctx.users[ADMINS[index % 4]]
        if decision == "verified":
            training_verify(actor=admin, training=training)
        elif decision == "rejected":
            training_reject(actor=admin, training=training, reason=REJECTION)
    trainings_warn_shortfall(today=ctx.today)
