"""Ledger throughput: transfers/s with N concurrent writers on PostgreSQL (one fund book per
writer and a shared one), next to pgbench tpcb-like with the same clients on the same server.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_ledger_bench \
  .venv/bin/python bench/ledger/bench.py --seconds 10 --clients 1 4 8
(the database must be migrated; pgbench must be on PATH for the comparison).
"""

import argparse
import os
import subprocess
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()

from django.db import connection, connections  # noqa: E402

from apps.ledger.services import account_get_or_create, transfer_post  # noqa: E402


def run(clients: int, seconds: float, shared: bool) -> float:
    bank = account_get_or_create(owner_type="bench", kind="bank", normal="debit", may_go_negative=True)
    stop = time.time() + seconds
    counts = [0] * clients
    run_id = time.time_ns()

    def worker(i):
        book = "bench:shared" if shared else f"bench:{i}"
        fund = account_get_or_create(owner_type="bench", owner_id=f"{book}", kind="fund", book=book)
        n = 0
        while time.time() < stop:
            transfer_post(key=f"bench:{run_id}:{i}:{n}", kind="bench", legs=[(bank, 100), (fund, -100)])
            n += 1
        counts[i] = n
        connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def pgbench(clients: int, seconds: int) -> str:
    s = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"] or "postgres",
    }
    db = s["NAME"]
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", db], env=env, check=True, capture_output=True)
    out = subprocess.run(
        ["pgbench", "-c", str(clients), "-j", str(clients), "-T", str(seconds), db],
        env=env,
        capture_output=True,
        text=True,
    )
    return next((line for line in out.stdout.splitlines() if line.startswith("tps")), out.stderr.strip()[:200])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "benchmark PostgreSQL"
    for c in args.clients:
        own = run(c, args.seconds, shared=False)
        shared = run(c, args.seconds, shared=True)
        print(
            f"clients={c}: ledger {own:.0f} transfers/s (one book per writer), {shared:.0f} transfers/s (one shared book); pgbench {pgbench(c, args.seconds)}"
        )
