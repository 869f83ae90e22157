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
DATABASE_URL=$PG/sanshe_bench $PY manage.py migrate -v0
echo "== ledger: transfers/s vs pgbench (bench/ledger/README.md)"
DATABASE_URL=$PG/sanshe_bench $PY bench/ledger/bench.py --seconds 5 --clients 1 4 8
echo "== needs list API vs a minimal DRF endpoint (bench/bidding/README.md)"
BENCH_NEEDS=${BENCH_NEEDS:-5000} DATABASE_URL=$PG/sanshe_bench .venv/bin/pytest bench/bidding -q -s -p no:randomly
echo "== service-hour records vs plain insert (bench/projects/README.md)"
rm -f /tmp/sanshe_bench_hours.sqlite3
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY manage.py migrate -v0
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY manage.py seed_demo --i-know-this-is-public >/dev/null
DATABASE_URL=sqlite:////tmp/sanshe_bench_hours.sqlite3 $PY bench/projects/bench_hours.py --n 300
echo "== check-in storm: 200 workers, 20 shifts vs a plain insert (bench/shifts/README.md)"
DATABASE_URL=$PG/sanshe_bench $PY bench/shifts/bench_checkin.py
echo "== search backends vs LIKE (bench/search/README.md)"
rm -f /tmp/sanshe_bench_search.sqlite3
DATABASE_URL=sqlite:////tmp/sanshe_bench_search.sqlite3 $PY manage.py migrate -v0
DATABASE_URL=sqlite:////tmp/sanshe_bench_search.sqlite3 $PY bench/search/run.py --docs ${BENCH_DOCS:-30000} --backends sqlite,like --rounds 2
if [ "${BENCH_LARGE:-0}" = "1" ]; then
  # The large demo city (≥100,000 needs, ≥1,000,000 records, ≥200,000 transfers): seeded once into
  # sanshe_large_bench (slow: see bench/README.md), reused afterwards. BENCH_LARGE_RESEED=1 rebuilds it.
  LARGE=$PG/sanshe_large_bench
  if [ "${BENCH_LARGE_RESEED:-0}" = "1" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sanshe_large_bench"
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname='sanshe_large_bench'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE sanshe_large_bench" >/dev/null
  DATABASE_URL=$LARGE $PY manage.py migrate -v0
  echo "== seed_demo --size large (once; skipped when the database has the city)"
  DATABASE_URL=$LARGE $PY manage.py seed_demo --i-know-this-is-public --size large --if-empty | grep -E "^(large|seeded|seeding)|^  [a-z_.]+: [0-9.]+ s$|done in|already"
  echo "== needs list API and page on the large city vs a trivial DRF endpoint (bench/bidding/README.md)"
  DATABASE_URL=$LARGE $PY bench/bidding/bench_large.py
  echo "== district dashboard on the large city (bench/stats/README.md)"
  DATABASE_URL=$LARGE $PY bench/stats/bench_stats.py
  echo "== worker's yearly hours summary on 1,000,000 records (bench/projects/README.md)"
  DATABASE_URL=$LARGE $PY bench/projects/bench_summary.py
  echo "== trial balance and fund statement on the large city's ledger (bench/books/README.md)"
  DATABASE_URL=$LARGE $PY bench/books/bench_books.py
fi
if [ "${BENCH_LOAD:-0}" = "1" ]; then
  # Long (about 20 min: two servers, 60 s per step): only when asked for.
  echo "== load: the mixed journey with Locust, Procfile stack vs make run's server (bench/load/README.md)"
  bash bench/load/run.sh
fi
