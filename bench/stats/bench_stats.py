"""District dashboard on the large demo city: the stats API and the /oversight/ page of a
district officer, vs a trivial DRF endpoint in the same process and run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/stats/bench_stats.py

Seed first: ``manage.py seed_demo --size large``. Target: p95 < 200 ms. Signs in as a district
officer of the first large district (created on first run: ``bench_district_officer``).
"""

import argparse
import datetime as dt
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import large_harness as h  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.accounts.services import account_create, membership_add  # noqa: E402
from apps.regions.models import Region  # noqa: E402
from apps.stats.models import DailyRollup  # noqa: E402


def officer(district):
    user = User.objects.filter(username="bench_district_officer").first()
    if user is None:
        user = account_create(
            username="bench_district_officer", password=secrets.token_urlsafe(16), check_password=False
        )
    membership_add(user=user, role=Role.DISTRICT_OFFICER, region=district)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--district", default="510105000000")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    district = Region.objects.get(code=args.district)
    two_years = timezone.localdate() - dt.timedelta(days=730)
    c = h.client()
    c.force_login(officer(district))
    print(f"{district.name} ({district.code}); {DailyRollup.objects.count():,} daily rollup rows")
    urls = [
        f"/api/v1/stats/?region={district.code}",
        f"/api/v1/stats/?region={district.code}&from={two_years}",
        "/oversight/",
        f"/oversight/?from={two_years}",
    ]
    h.report(c, h.measure(c, urls, rounds=args.rounds), target="target: p95 < 200 ms")


if __name__ == "__main__":
    main()
