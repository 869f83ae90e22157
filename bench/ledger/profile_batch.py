"""Where one payout-run batch spends its time: Python (cProfile) and server (every statement the
batch runs, nested ones inside triggers and functions included, timed by ``auto_explain``).

Needs a database prepared by ``bench_batch.py --setup-only`` (any size). The batch is rolled back
at the end, so the same records can be profiled again.

  PYTHONPATH=. DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_batch_small \\
    .venv/bin/python bench/ledger/profile_batch.py --batch 2000 [--explain] [--kind dividends]
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from apps.ops.payout_run import _book, _due  # noqa: E402


class _Rollback(Exception):
    pass


def _statements(notices: list[str], top: int) -> None:
    """auto_explain's notices, summed per query text (nested statements show on their own)."""
    total: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for text in notices:
        match = re.search(r"duration: ([\d.]+) ms", text)
        query = re.search(r"Query Text: (.*?)(\n\S|\n\s*$|\Z)", text, re.S)
        if not match:
            continue
        key = " ".join((query.group(1) if query else text).split())[:140]
        total[key][0] += float(match.group(1))
        total[key][1] += 1
    for key, (ms, n) in sorted(total.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{ms:9.1f} ms {n:6d}x  {key}")


def _plans(notices: list[str], slowest: int) -> None:
    for text in sorted(notices, key=lambda t: -float(re.search(r"duration: ([\d.]+)", t).group(1)))[:slowest]:
        print(text[:3000])
        print("-" * 80)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--kind", default="dividends", choices=["dividends", "expenses", "milestones"])
    parser.add_argument("--explain", action="store_true", help="time every server statement (auto_explain)")
    parser.add_argument("--plans", type=int, default=3, help="with --explain: print the N slowest plans")
    args = parser.parse_args()
    payer = get_user_model().objects.filter(username__startswith="payer", is_superuser=True).order_by("-pk").first()
    ids = _due(args.kind)[: args.batch]
    print(f"{len(ids)} {args.kind} due in this batch")
    notices: list[str] = []
    connection.ensure_connection()
    if args.explain:
        connection.connection.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting in (
                "auto_explain.log_min_duration = 0",
                "auto_explain.log_analyze = on",
                "auto_explain.log_nested_statements = on",
                "auto_explain.log_triggers = on",
                "auto_explain.log_level = notice",
                "client_min_messages = notice",
            ):
                cursor.execute(f"SET {setting}")
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            profile.enable()
            outcome = _book(args.kind, payer, ids)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, timed here
            profile.disable()
            elapsed = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    print(f"booked {len(outcome.booked)}, refused {len(outcome.refused)} in {elapsed:.2f} s (rolled back)")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    if args.explain:
        _statements(notices, 25)
        _plans(notices, args.plans)
