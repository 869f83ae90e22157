"""The load run's own accounts and objects, added beside the demo city (run after seed_demo):
one community with its fund and staff member, ORGS verified organizations (an admin and two
workers each) that bid, OPEN_NEEDS published needs open for bids, an active project with WORKERS
social workers who log hours, and DONATIONS pending donations waiting for Stripe's event. API
tokens are issued here, so the journey measures the work and not PBKDF2 at sign-in. Prints one
JSON object (bench/load/run.sh keeps it as seed.json for the locustfile)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.accounts.services import membership_add, token_for  # noqa: E402
from apps.bidding.models import Need  # noqa: E402
from apps.core.models import Category  # noqa: E402
from apps.funds.models import Donation, Fund  # noqa: E402
from apps.regions.models import Region  # noqa: E402
from tests.factories.bidding import NeedFactory  # noqa: E402
from tests.factories.core import OrganizationFactory, RegionFactory, SocialWorkerFactory, UserFactory  # noqa: E402
from tests.factories.funds import FundFactory  # noqa: E402
from tests.factories.projects import make_project  # noqa: E402

ORGS, OPEN_NEEDS, WORKERS, DONATIONS = 20, 60, 150, 4000
PASSWORD = "load-pw-Secret-123"  # noqa: S105 - a throw-away database's accounts


@transaction.atomic
def seed() -> dict:
    real_hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # one real hash below
    district = Region.objects.filter(level="district").order_by("code").first()
    street = RegionFactory(code="510107099000", name="负载街道", level="street", parent=district)
    community = RegionFactory(code="510107099001", name="负载测试社区", level="community", parent=street)
    fund = Fund.objects.filter(community=community).first() or FundFactory(community=community)
    staff = UserFactory(username="load_staff")
    membership_add(user=staff, role="community_staff", community=community)
    elderly = Category.objects.get(code="elderly")
    orgs = []
    for i in range(ORGS):
        org = OrganizationFactory(region=district, name=f"负载测试社会组织{i:02d}")
        admin = UserFactory(username=f"load_org{i:02d}")
        membership_add(user=admin, role="org_admin", organization=org)
        team = []
        for j in range(2):
            w = SocialWorkerFactory(user=UserFactory(username=f"load_org{i:02d}_w{j}"), name=f"负载社工{i:02d}{j}")
            membership_add(user=w.user, role="social_worker", organization=org)
            team.append(w.pk)
        orgs.append({"id": org.pk, "token": token_for(user=admin), "team": team})
    hour_workers = [
        SocialWorkerFactory(user=UserFactory(username=f"load_worker{k:03d}"), name=f"负载记时社工{k:03d}")
        for k in range(WORKERS)
    ]
    project_org = OrganizationFactory(region=district, name="负载测试项目机构")
    for w in hour_workers:
        membership_add(user=w.user, role="social_worker", organization=project_org)
    project_admin = UserFactory(username="load_project_admin")
    membership_add(user=project_admin, role="org_admin", organization=project_org)
    project = make_project(community=community, organization=project_org, fund=fund, workers=hour_workers)
    needs = [
        NeedFactory(
            community=community,
            category=elderly,
            title=f"负载测试居家养老服务{i:03d}",
            min_worker_level="assistant",
            workers_needed=2,
            created_by=staff,
        ).pk
        for i in range(OPEN_NEEDS)
    ]
    Donation.objects.bulk_create(
        Donation(fund=fund, amount_fen=100 + i % 900, donor_name="负载", stripe_session_id=f"cs_load_{i:05d}")
        for i in range(DONATIONS)
    )
    donations = dict(
        Donation.objects.filter(stripe_session_id__startswith="cs_load_").values_list("stripe_session_id", "pk")
    )
    settings.PASSWORD_HASHERS = real_hashers
    User.objects.filter(username__startswith="load_").update(password=make_password(PASSWORD))
    public_needs = list(Need.objects.filter(status="published").order_by("-pk").values_list("pk", flat=True)[:200])
    return {
        "password": PASSWORD,
        "staff_token": token_for(user=staff),
        "project_admin_token": token_for(user=project_admin),
        "orgs": orgs,
        "open_needs": needs,
        "public_needs": public_needs,
        "funds": list(Fund.objects.order_by("pk").values_list("pk", flat=True)[:50]),
        "project": project.pk,
        "workers": [token_for(user=w.user) for w in hour_workers],
        "donations": [[sid, donations[sid]] for sid in sorted(donations)],
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
