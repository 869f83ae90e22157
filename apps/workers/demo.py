"""The demo city's social workers: twelve with accounts in the first four organizations (one not
verified, one whose registration ends soon); the large size adds one per large-city worker
account, with two skills each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from apps.accounts.demo import demo_account
from apps.accounts.models import Role
from apps.core.bulk import BATCH
from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.workers.models import SocialWorker

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
