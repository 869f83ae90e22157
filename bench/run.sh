#!/usr/bin/env bash
# `make bench`: every benchmark with the settings its README records. Needs PostgreSQL on
# 127.0.0.1:5432 (trust auth) for the ledger, bidding and search figures. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
for db in sanshe_bench; do
  psql -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $db" >/dev/null
done
echo "== ledger: transfers/s vs pgbench (bench/ledger/README.md)"
DATABASE_URL=$PG/sanshe_bench $PY bench/ledger/bench.py --seconds 5 --clients 1 4 8
echo "== needs list API vs a minimal DRF endpoint (bench/bidding/README.md)"
BENCH_NEEDS=${BENCH_NEEDS:-5000} DATABASE_URL=$PG/sanshe_bench .venv/bin/pytest bench/bidding -q -s -p no:randomly
echo "== service-hour records vs plain insert (bench/projects/README.md)"
rm -f /tmp/sanshe_bench_hours.sqlite3
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY manage.py migrate -v0
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY manage.py seed_demo >/dev/null
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY bench/projects/bench_hours.py --n 300
echo "== search backends vs LIKE (bench/search/README.md)"
rm -f /tmp/sanshe_bench_search.sqlite3
DATABASE_URL=sqlite:////tmp/sanshe_bench_search.sqlite3 $PY manage.py migrate -v0
DATABASE_URL=sqlite:////tmp/sanshe_bench_search.sqlite3 $PY bench/search/run.py --docs ${BENCH_DOCS:-30000} --backends sqlite,like --rounds 2
