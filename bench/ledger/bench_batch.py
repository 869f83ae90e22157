"""A payout run at city scale: a year's cooperative dividends to 200,000 resident holders plus a
month's expense claims and milestone payouts, booked by ``payout_run`` (the ledger's batched path),
timed, next to pgbench tpcb-like at 4 clients on the same server in the same run.

Setup (not timed) builds the records on the benchmark's own database with bulk inserts: ``--coops``
cooperatives with ``--holders`` resident holders in all, each cooperative's distribution approved
and booked (holders' ``dividends_payable`` credited, loaded as the large demo loads its books); and
``--projects`` projects paid from one community fund, each with ``--claims`` approved expense
claims of 100 yuan and three accepted milestones not yet paid in the books. The milestones add up
to the whole grant and the claims are paid first, so each project's last milestone is refused
(the reservation is short): the run's skip-and-report at scale, counted as refused, not booked.

Then, in order: pgbench; the payout run (timed: transfers/s = payouts booked / wall time); pgbench
again; the run again (must book nothing: exactly once); ``ledger_verify`` over the whole ledger
and the trial balance. With ``--kill-at S`` the run is first started as ``manage.py payout_run``
and SIGKILLed after S seconds, then the timed run books the rest (resumption at city scale).
Exits non-zero unless every payout is booked once and the ledger verifies clean.

Usage (PostgreSQL, migrated database, pgbench on PATH):
  PYTHONPATH=. DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_batch \
    .venv/bin/python bench/ledger/bench_batch.py --holders 200000 --coops 200 --workers 4 --batch 2000
or build the records once (``--setup-only``), copy the database (``createdb -T``) and run each copy
with ``--no-setup`` and the same sizes (bench/ledger/README.md).
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench.py beside this file

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the project, when run as a script
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.services import membership_add  # noqa: E402
from apps.cooperatives.booking import cooperative_account  # noqa: E402
from apps.cooperatives.models import Distribution, DistributionAllocation, ShareHolder  # noqa: E402
from apps.cooperatives.services import cooperative_create  # noqa: E402
from apps.core.bulk import rows_insert  # noqa: E402
from apps.core.models import Category  # noqa: E402
from apps.core.selectors import policy_current  # noqa: E402
from apps.expenses.models import Expense  # noqa: E402
from apps.expenses.services import budget_lines_ensure  # noqa: E402
from apps.ledger import dbguard  # noqa: E402
from apps.ledger.models import Account, Transfer  # noqa: E402
from apps.ledger.selectors import ledger_verify  # noqa: E402
from apps.ledger.services import BulkTransfer, _bulk_load_book  # noqa: E402
from apps.ops.payout_run import payout_run  # noqa: E402
from apps.projects.models import Milestone  # noqa: E402
from apps.regions.demo import CATEGORIES  # noqa: E402
from bench import load, pgbench, pgbench_init  # noqa: E402  (bench/ledger/bench.py)
from tests.factories.core import OrganizationFactory, RegionFactory, UserFactory  # noqa: E402
from tests.factories.expenses import add_budget  # noqa: E402
from tests.factories.funds import FundFactory  # noqa: E402
from tests.factories.projects import make_project  # noqa: E402

User = get_user_model()
DIVIDEND_FEN = 12_345  # each resident's dividend: 123.45 yuan


def _books_load(books: dict[str, list[BulkTransfer]]) -> None:
    """The large demo's loader (``transfers_bulk_load``) with the cached balances applied in one
    statement instead of one UPDATE per account (200,000 holders)."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    now = timezone.now()
    with transaction.atomic():
        dbguard.uninstall(connection)
        for book, transfers in books.items():
            _bulk_load_book(book, transfers, {}, deltas, now=now)
        ids = list(deltas)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_account a SET balance = a.balance + d.b FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS d(id, b) WHERE a.id = d.id",
                [ids, [deltas[i][0] for i in ids]],
            )
        dbguard.install(connection)


def setup(*, holders: int, coops: int, projects: int, claims: int, tag: str):
    t0 = time.time()
    for factory_class in (UserFactory, RegionFactory, OrganizationFactory):  # unique on a reused database
        factory_class.reset_sequence(int(tag) % 10**6 * 100)
    city = RegionFactory(code=f"bb{tag}", name="成都市", level="city")
    community = RegionFactory(code=f"bb{tag}-c", name="批量社区", level="community", parent=city)
    fund = FundFactory(community=community)
    payer = UserFactory(username=f"payer{tag}", is_superuser=True)  # platform staff: manages every cooperative
    membership_add(user=payer, role="fund_manager", fund=fund)
    approver = UserFactory(username=f"approver{tag}")
    policy = policy_current()
    year = timezone.localdate().year - 1
    per = holders // coops
    books = {}
    for c in range(coops):
        coop = cooperative_create(
            actor=payer, name=f"批量合作社{tag}-{c}", community=community, registered_capital=Decimal(1_000_000)
        )
        ShareHolder.objects.bulk_create(
            ShareHolder(cooperative=coop, name=f"居民{c}-{i}", holder_type="resident", shares=1, certificate_no=f"R{i}")
            for i in range(per)
        )
        members = list(coop.holders.order_by("pk").values_list("pk", flat=True))
        pool = Decimal(DIVIDEND_FEN * per) / 100
        distribution = Distribution.objects.create(
            cooperative=coop,
            fiscal_year=year,
            record_date=timezone.localdate(),
            distributable_profit=pool,
            prior_losses=0,
            losses_covered=0,
            reserve=0,
            public_welfare=0,
            dividend_pool=pool,
            retained=0,
            statutory_reserve_percent=policy.statutory_reserve_percent,
            public_welfare_percent=0,
            policy_version=policy,
            created_by=approver,
            decided_by=payer,
            decided_at=timezone.now(),
            status=Distribution.Status.APPROVED,
        )
        DistributionAllocation.objects.bulk_create(
            DistributionAllocation(distribution=distribution, holder_id=h, shares=1, amount=Decimal(DIVIDEND_FEN) / 100)
            for h in members
        )
        book = f"coop:{coop.pk}"
        fields = [
            Account._meta.get_field(f)
            for f in ("code", "owner_type", "owner_id", "kind", "currency", "normal", "may_go_negative", "book", "name")
            + ("balance", "pending_debits", "pending_credits", "created_at")
        ]
        now = timezone.now()
        rows_insert(
            Account,
            fields,
            [
                (f"coop_holder:{h}:dividends_payable:CNY", "coop_holder", str(h), "dividends_payable", "CNY")
                + ("credit", False, book, "居民 · dividends", 0, 0, 0, now)
                for h in members
            ],
        )
        owed = Account.objects.filter(owner_type="coop_holder", owner_id__in=[str(h) for h in members])
        revenue, undistributed = (cooperative_account(coop, k) for k in ("external_revenue", "undistributed_profit"))
        cooperative_account(coop, "bank")
        total = DIVIDEND_FEN * per
        books[book] = [
            BulkTransfer(
                key=f"coop-profit:bench{tag}-{c}",
                kind="coop_profit",
                phase="single",
                legs=[(revenue, total), (undistributed, -total)],
                created_at=now,
            ),
            BulkTransfer(
                key=f"coop-distribution:{distribution.pk}",
                kind="dividend",
                phase="single",
                legs=[(undistributed, total), *((acc, -DIVIDEND_FEN) for acc in owed)],
                created_at=now,
            ),
        ]
        if len(books) == 50 or c == coops - 1:
            _books_load(books)
            books = {}
            print(f"  {c + 1} cooperatives, {(c + 1) * per} holders ({time.time() - t0:.0f} s)", flush=True)
    Category.objects.bulk_create(
        [Category(code=c, name=zh, name_en=en, sort_order=i) for i, (c, zh, en) in enumerate(CATEGORIES)],
        ignore_conflicts=True,
    )
    organization = OrganizationFactory(region=community)
    for p in range(projects):
        project = make_project(
            community=community,
            organization=organization,
            fund=fund,
            percents=(Decimal(30), Decimal(30), Decimal(20)),
            title=f"批量项目{p}",
        )
        add_budget(project, [("活动物资", Decimal(claims * 100))])
        budget_lines_ensure(project=project)
        line = project.budget_lines.get()
        Expense.objects.bulk_create(
            Expense(
                project=project,
                line=line,
                amount=Decimal(100),
                spent_on=project.start_date,
                payee=f"商户{i}",
                status=Expense.Status.APPROVED,
                submitted_by=approver,
                approved_by=approver,
                approved_at=timezone.now(),
            )
            for i in range(claims)
        )
        project.milestones.update(status=Milestone.Status.ACCEPTED, accepted_at=timezone.now(), accepted_by=approver)
    print(f"setup {time.time() - t0:.0f} s", flush=True)
    return payer


def vacuum() -> None:
    with connection.cursor() as cursor:
        for table in ("ledger_account", "ledger_book", "ledger_transfer", "ledger_leg"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def killed_run(*, payer, batch: int, workers: int, seconds: float) -> None:
    command = [sys.executable, "manage.py", "payout_run", "--as", payer.username, "--batch", str(batch)]
    process = subprocess.Popen([*command, "--workers", str(workers)], cwd=ROOT)  # noqa: S603
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()
    print(f"killed after {seconds} s: {Transfer.objects.filter(kind='dividend_payout').count()} dividends booked")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--holders", type=int, default=200_000)
    parser.add_argument("--coops", type=int, default=400)
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--kill-at", type=float, default=0)
    parser.add_argument(
        "--seal-sql",
        type=Path,
        help="SQL run after the setup: measures a proposed trigger change (scratch database only)",
    )
    phase = parser.add_mutually_exclusive_group()
    phase.add_argument("--setup-only", action="store_true", help="build the records and stop (copy it: createdb -T)")
    phase.add_argument("--no-setup", action="store_true", help="run on a database built by --setup-only (same sizes)")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "benchmark PostgreSQL"
    tag = str(time.time_ns())[-9:]
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average {load()}", flush=True)
    if args.no_setup:
        payer = User.objects.filter(username__startswith="payer", is_superuser=True).order_by("-pk").first()
    else:
        payer = setup(holders=args.holders, coops=args.coops, projects=args.projects, claims=args.claims, tag=tag)
    if args.setup_only:
        raise SystemExit(0)
    if args.seal_sql:
        with connection.cursor() as cursor:
            cursor.execute(args.seal_sql.read_text())
        print(f"applied {args.seal_sql}", flush=True)
    pgbench_init()
    vacuum()
    tps = [pgbench(4, args.pgbench_seconds)]
    print(f"pgbench tpcb-like, 4 clients: {tps[0]:.0f} tps [load {load()}]", flush=True)
    before = Transfer.objects.count()
    if args.kill_at:
        killed_run(payer=payer, batch=args.batch, workers=args.workers, seconds=args.kill_at)
    report = payout_run(actor=payer, batch_size=args.batch, workers=args.workers)
    rate = report.booked / report.seconds
    print(
        f"payout run: {report.booked} booked ({report.already} found booked), {len(report.refused)} refused, "
        f"{report.batches} batches of {args.batch} on {args.workers} workers in {report.seconds:.1f} s = "
        f"{rate:.0f} transfers/s [load {load()}]",
        flush=True,
    )
    tps.append(pgbench(4, args.pgbench_seconds))
    print(f"pgbench tpcb-like, 4 clients: {tps[1]:.0f} tps [load {load()}]", flush=True)
    base = statistics.mean(tps)
    print(f"batched payouts {rate:.0f}/s vs pgbench {base:.0f} tps (mean of 2) = {rate / base:.2f}x", flush=True)
    again = payout_run(actor=payer, batch_size=args.batch, workers=args.workers)
    print(f"rerun: {again.booked} booked, {len(again.refused)} refused in {again.seconds:.1f} s", flush=True)
    for key, why in sorted(report.refused.items())[:5]:
        print(f"  refused {key}: {why}", flush=True)
    due = args.holders // args.coops * args.coops + args.projects * (args.claims + 3)
    booked = Transfer.objects.count() - before
    t0 = time.time()
    verify = ledger_verify()
    trial = Account.objects.aggregate(s=Sum("balance"))["s"] or 0
    print(
        f"after: {booked} transfers booked + {len(report.refused)} refused for {due} payouts due; ledger_verify ok={verify['ok']} over "
        f"{verify['transfers']} transfers ({time.time() - t0:.0f} s), trial balance {trial} fen, "
        f"faults {verify['faults'][:3]}",
        flush=True,
    )
    # each project's last milestone is refused when its claims already took the reservation's rest (reported)
    once = booked + len(report.refused) == due and not again.booked
    raise SystemExit(0 if verify["ok"] and trial == 0 and once else 1)
