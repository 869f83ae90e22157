"""Ledger throughput: transfers/s posted through ``transfer_post`` with N concurrent writers on
PostgreSQL, next to pgbench tpcb-like with the same clients on the same server, interleaved in
the same run (the machine is shared, so only same-run ratios mean anything).

Three workloads, each transfer = a donation-like posting (shared Stripe/bank account debited,
a fund credited):
- ``funds``: a realistic mix, each transfer to a random one of 50 funds, each fund its own book;
- ``own``: one fund and book per writer;
- ``shared``: every writer on one fund and one book (the worst case: one chain head).
Every writer also shares the bank account, as pgbench's clients share its one branch row (-s 1).

Afterwards ``ledger_verify`` recomputes every chain and cached balance and the trial balance is
summed: the run fails unless both are clean.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_ledger_bench \
  .venv/bin/python bench/ledger/bench.py --seconds 5 --rounds 3 --clients 1 4 8
(the database must be migrated; pgbench must be on PATH).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, when run as a script

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Sum  # noqa: E402

from apps.ledger.models import Account  # noqa: E402
from apps.ledger.selectors import ledger_verify  # noqa: E402
from apps.ledger.services import account_get_or_create, transfer_post  # noqa: E402

FUNDS = 50


def _fund(name: str):
    return account_get_or_create(owner_type="bench", owner_id=name, kind="fund", book=f"bench:{name}")


def vacuum() -> None:
    """What pgbench does to its own tables before each run (it VACUUMs branches, tellers and
    history unless -n): the few hot rows start without a backlog of dead versions."""
    with connection.cursor() as cursor:
        for table in ("ledger_account", "ledger_book"):
            cursor.execute(f"VACUUM {table}")


def run(clients: int, seconds: float, workload: str) -> float:
    bank = account_get_or_create(owner_type="bench", kind="bank", normal="debit", may_go_negative=True)
    funds = [_fund(f"fund{i}") for i in range(FUNDS)]
    own = [_fund(f"writer{i}") for i in range(clients)]
    shared = _fund("shared")
    start_at = time.time() + 0.2
    stop = start_at + seconds
    counts = [0] * clients
    run_id = time.time_ns()

    def worker(i):
        rng = random.Random(i)
        pick = {"funds": lambda: funds[rng.randrange(FUNDS)], "own": lambda: own[i], "shared": lambda: shared}[workload]
        n = 0
        try:
            while time.time() < start_at:
                time.sleep(0.01)
            while time.time() < stop:
                transfer_post(key=f"bench:{run_id}:{i}:{n}", kind="bench", legs=[(bank, 100), (pick(), -100)])
                n += 1
            counts[i] = n
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def _pg_env():
    s = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"] or "postgres",
    }
    return env, s["NAME"]


def pgbench_init() -> None:
    env, db = _pg_env()
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", db], env=env, check=True, capture_output=True)


def pgbench(clients: int, seconds: int) -> float:
    env, db = _pg_env()
    out = subprocess.run(
        ["pgbench", "-c", str(clients), "-j", str(clients), "-T", str(seconds), db],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("tps"))
    return float(line.split()[2])


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "benchmark PostgreSQL"
    pgbench_init()
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average {load()}", flush=True)
    workloads = ["funds", "own", "shared"]
    for c in args.clients:
        got: dict[str, list[float]] = {w: [] for w in ["pgbench", *workloads]}
        for _round in range(args.rounds):  # interleaved, so load changes hit both sides alike
            got["pgbench"].append(pgbench(c, args.seconds))
            for w in workloads:
                vacuum()
                got[w].append(run(c, args.seconds, w))
        med = {k: statistics.median(v) for k, v in got.items()}
        print(
            f"clients={c}: pgbench {med['pgbench']:.0f} tps; ledger {med['funds']:.0f} transfers/s (50 funds) "
            f"= {med['funds'] / med['pgbench']:.2f}x, {med['own']:.0f} (book per writer) = "
            f"{med['own'] / med['pgbench']:.2f}x, {med['shared']:.0f} (one shared book) = "
            f"{med['shared'] / med['pgbench']:.2f}x  [medians of {args.rounds}; load {load()}]",
            flush=True,
        )
    t0 = time.time()
    report = ledger_verify()
    trial = Account.objects.aggregate(s=Sum("balance"))["s"] or 0
    print(
        f"after: ledger_verify ok={report['ok']} over {report['transfers']} transfers and {report['accounts']} "
        f"accounts ({time.time() - t0:.0f} s), trial balance {trial} fen, faults {report['faults'][:3]}"
    )
    raise SystemExit(0 if report["ok"] and trial == 0 else 1)
