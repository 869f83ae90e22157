"""Books for accountants (#23) on the large demo city: the trial balance of one fund's book and of
the whole book, and a fund's statement (xlsx), vs a trivial DRF endpoint in the same process and run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_large_bench .venv/bin/python bench/books/bench_books.py

Seed first: ``manage.py seed_demo --size large``. Targets: p95 < 200 ms for a fund, < 2 s for the
whole book. Signs in as platform staff (``bench_books_staff``, created on first run, with the demo's
one-time-code secret, as platform staff's sessions need a second factor) and as the manager of the
fund with the most transfers (``bench_books_manager``).
"""

import argparse
import datetime as dt
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import large_harness as h  # noqa: E402
from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.demo import DEMO_TOTP_SECRET  # noqa: E402
from apps.accounts.models import Role, User  # noqa: E402
from apps.accounts.services import account_create, membership_add  # noqa: E402
from apps.funds.models import Fund  # noqa: E402
from apps.ledger.models import Leg, Transfer  # noqa: E402


def bench_user(username: str, role: str, **scope):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_create(username=username, password=secrets.token_urlsafe(16), check_password=False)
    membership_add(user=user, role=role, **scope)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--targets-only",
        action="store_true",
        help="only the URLs with a target (leave out the statements of this year and the whole history)",
    )
    args = parser.parse_args()
    book, count = (
        Transfer.objects.filter(book__startswith="fund:")
        .values_list("book")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    fund = Fund.objects.get(code=book.removeprefix("fund:"))
    today = timezone.localdate()
    first = Transfer.objects.order_by("created_at").values_list("created_at", flat=True).first()
    print(
        f"{Transfer.objects.count():,} transfers, {Leg.objects.count():,} legs; fund {fund.code}: {count:,} "
        f"transfers in its book since {timezone.localtime(first).date()}"
    )
    month = today - dt.timedelta(days=30)
    year = today.replace(month=1, day=1)
    since = timezone.localtime(first).date()
    manager = h.client()
    manager.force_login(bench_user("bench_books_manager", Role.FUND_MANAGER, fund=fund))
    fund_urls = [
        f"/api/v1/ledger/trial-balance/?book={book}",
        f"/api/v1/ledger/trial-balance/?book={book}&at={month}",
        f"/api/v1/funds/{fund.pk}/statement.xlsx?from={month}&to={today}",
        f"/api/v1/funds/{fund.pk}/statement.xlsx?from={year}&to={today}",
        f"/api/v1/funds/{fund.pk}/statement.xlsx?from={since}&to={today}",
    ]
    if args.targets_only:
        fund_urls = fund_urls[:3]
    h.report(manager, h.measure(manager, fund_urls, rounds=args.rounds), target="target: p95 < 200 ms for a fund")
    staff = Client()
    staff.force_login(bench_user("bench_books_staff", Role.PLATFORM_STAFF))
    whole = ["/api/v1/ledger/trial-balance/", f"/api/v1/ledger/trial-balance/?at={month}"]
    h.report(
        staff, h.measure(staff, whole, rounds=max(5, args.rounds // 2)), target="target: p95 < 2 s for the whole book"
    )


if __name__ == "__main__":
    main()
