"""A small seed for the production-profile smoke journey (deploy/ci_stack_smoke.sh): one
community with its fund, a verified organization that follows elderly care, two verified social
workers, an active project they serve on, a pending donation waiting for Stripe's event, and the
accounts that act. Prints what the journey needs as one JSON line. Runs on an empty, migrated
database: ``python tests/ops/stack_seed.py``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from apps.accounts.services import membership_add  # noqa: E402
from apps.core.models import Category  # noqa: E402
from apps.funds.models import Donation  # noqa: E402
from apps.regions.demo import CATEGORIES  # noqa: E402
from tests.factories.core import OrganizationFactory, RegionFactory, SocialWorkerFactory, UserFactory  # noqa: E402
from tests.factories.funds import FundFactory  # noqa: E402
from tests.factories.projects import make_project  # noqa: E402

PASSWORD = "pw-Secret-123"  # noqa: S105 - the factories' password, for a throw-away database


def seed() -> dict:
    Category.objects.bulk_create(
        [Category(code=c, name=zh, name_en=en, sort_order=i) for i, (c, zh, en) in enumerate(CATEGORIES)],
        ignore_conflicts=True,
    )
    city = RegionFactory(code="510100000000", name="成都市", level="city")
    district = RegionFactory(code="510107000000", name="武侯区", level="district", parent=city)
    street = RegionFactory(code="510107006000", name="玉林街道", level="street", parent=district)
    community = RegionFactory(code="510107006001", name="玉林东路社区", level="community", parent=street)
    fund = FundFactory(community=community)
    org = OrganizationFactory(region=district)
    org.followed_categories.add(Category.objects.get(code="elderly"))
    workers = []
    for i in range(2):
        worker = SocialWorkerFactory(user=UserFactory(username=f"smoke_worker{i}"), name=f"烟测社工{i}")
        membership_add(user=worker.user, role="social_worker", organization=org)
        workers.append(worker)
    staff = UserFactory(username="smoke_staff")
    membership_add(user=staff, role="community_staff", community=community)
    admin = UserFactory(username="smoke_org_admin", email="smoke_org_admin@example.test")
    membership_add(user=admin, role="org_admin", organization=org)
    project = make_project(community=community, organization=org, fund=fund, workers=workers)
    donation = Donation.objects.create(fund=fund, amount_fen=8800, donor_name="烟测", stripe_session_id="cs_smoke_1")
    return {
        "password": PASSWORD,
        "staff": staff.username,
        "org_admin": admin.username,
        "org_admin_email": admin.email,
        "worker": workers[0].user.username,
        "community": community.code,
        "organization": org.pk,
        "workers": [w.pk for w in workers],
        "project": project.pk,
        "fund": fund.pk,
        "donation": donation.pk,
        "donation_session": donation.stripe_session_id,
        "donation_fen": donation.amount_fen,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
