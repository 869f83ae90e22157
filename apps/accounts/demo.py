"""The demo accounts (README, "Demo accounts"): one per role, all with the published password;
platform staff, reviewers and the fund manager with the published TOTP secret. The large size
adds an admin per organization, a staff member per new community and the social workers'
accounts, with their memberships."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from apps.accounts.models import Membership, Role, User
from apps.accounts.services import account_create, membership_add
from apps.core.demo import DemoContext, demo_step

DEMO_PASSWORD = "sanshe-demo-2026"  # published in README, demo only
# A fixed, public demo secret so a newcomer can add it to an authenticator app (demo only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def demo_account(
    ctx: DemoContext, username: str, role: str, *, scope_label: str = "", totp_secret: str | None = None, **scope
) -> User:
    """The demo user ``username`` (created on first use) with one more membership, listed in the
    accounts seed_demo prints."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_create(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.sanshe.local",
            display_name=ctx.person_name(),
            check_password=False,
        )
    membership_add(user=user, role=role, **scope)
    if totp_secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret)
    ctx.accounts.append((username, role, scope_label))
    ctx.users[username] = user
    return user


@demo_step("accounts", after=("regions", "organizations", "funds.community", "dispatch.units"))
def seed(ctx: DemoContext) -> None:
    communities, streets, districts = ctx.data["communities"], ctx.data["streets"], ctx.data["districts"]
    orgs, units = ctx.data["organizations"], ctx.data["units"]
    c0 = communities[0]
    demo_account(ctx, "staff", Role.PLATFORM_STAFF, scope_label="平台", totp_secret=DEMO_TOTP_SECRET)
    demo_account(ctx, "yulin_staff", Role.COMMUNITY_STAFF, community=c0, scope_label=c0.name)
    demo_account(ctx, "yulin_grid", Role.GRID_WORKER, community=c0, scope_label=c0.name)
    c1 = communities[3]
    demo_account(ctx, "wangjiang_staff", Role.COMMUNITY_STAFF, community=c1, scope_label=c1.name)
    demo_account(ctx, "org_admin", Role.ORG_ADMIN, organization=orgs[0], scope_label=orgs[0].name)
    demo_account(ctx, "org_member", Role.ORG_MEMBER, organization=orgs[0], scope_label=orgs[0].name)
    demo_account(ctx, "org2_admin", Role.ORG_ADMIN, organization=orgs[1], scope_label=orgs[1].name)
    demo_account(ctx, "org3_admin", Role.ORG_ADMIN, organization=orgs[2], scope_label=orgs[2].name)
    demo_account(ctx, "enterprise_admin", Role.ORG_ADMIN, organization=orgs[3], scope_label=orgs[3].name)
    for i in range(1, 6):
        demo_account(ctx, f"reviewer{i}", Role.REVIEWER, scope_label="专家库", totp_secret=DEMO_TOTP_SECRET)
    demo_account(
        ctx, "fund_manager", Role.FUND_MANAGER, fund=c0.fund, scope_label=c0.fund.name, totp_secret=DEMO_TOTP_SECRET
    )
    demo_account(ctx, "street_officer", Role.STREET_OFFICER, region=streets[0], scope_label=streets[0].name)
    demo_account(ctx, "district_officer", Role.DISTRICT_OFFICER, region=districts[0], scope_label=districts[0].name)
    demo_account(ctx, "unit_staff", Role.UNIT_STAFF, unit=units[0], scope_label=units[0].name)


@demo_step("accounts.large", size="large", after=("organizations.large", "funds.large_city"))
def seed_large(ctx: DemoContext) -> None:
    city = ctx.data["large_city"]
    orgs, communities = city["orgs"], city["new_communities"]
    verified = [o for o in orgs if o.status == "verified"]
    password = make_password(DEMO_PASSWORD)
    n_workers = ctx.count("workers")
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
    users = ctx.insert(User, users, "accounts")
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
    ctx.insert(Membership, memberships, "memberships")
    city["staff_by_community"] = {c.pk: u for c, u in zip(communities, staff_users, strict=True)}
    city["admin_by_org"] = {o.pk: u for o, u in zip(orgs, admins, strict=True)}
    city["worker_accounts"] = list(zip(worker_users, worker_orgs, strict=True))
    ctx.accounts.append(("l_org1 … l_worker1 …", f"{ctx.size} demo", f"{len(users):,} accounts"))
