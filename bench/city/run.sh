#!/usr/bin/env bash
# The five benchmarks issue 24 asks to hold at city size, against an already-seeded PostgreSQL
# database, with the arguments they use on the large city; one Markdown row per benchmark on
# stdout (bench/city/README.md has the table and what each run writes).
#
#   bench/city/run.sh DATABASE_NAME LABEL        e.g. bench/city/run.sh sanshe_large_bench 1×
#
# Environment (all optional):
#   BENCH_PG          server URL without the database (default postgres://postgres@127.0.0.1:5432)
#   CITY_TIMEOUT      seconds each benchmark may take before it is stopped (default 1800)
#   CITY_LEDGER_COPY  1 (default): the ledger bench runs on a copy (createdb -T), dropped afterwards;
#                     0: in the database itself (it then keeps the bench's transfers; pgbench's
#                     tables are dropped afterwards)
#   CITY_LEDGER_ARGS  default "--seconds 5 --rounds 3 --clients 1 4 8" (bench/ledger/README.md)
#   CITY_ROUNDS       rounds of the request benchmarks (default 30, 50 for the summary as its README)
#   CITY_NO_HEADER=1  rows only, to append to an existing table
#   CITY_ONLY         some of "needs hours summary stats search ledger" (default: all), to re-run one
# Every benchmark's full output and `uptime` before and after it go to $CITY_LOGDIR
# (default /tmp/sanshe_city_bench/DATABASE-TIME/). One failing or timed-out benchmark gives a row
# saying why (its exit status and last line) and the others still run.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ne 2 ]; then
  echo "usage: $0 DATABASE_NAME LABEL" >&2
  exit 2
fi
DB=$1
LABEL=$2
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
TIMEOUT=${CITY_TIMEOUT:-1800}
ROUNDS=${CITY_ROUNDS:-30}
SUMMARY_ROUNDS=${CITY_ROUNDS:-50}
LEDGER_ARGS=${CITY_LEDGER_ARGS:---seconds 5 --rounds 3 --clients 1 4 8}
LEDGER_COPY=${CITY_LEDGER_COPY:-1}
LOGDIR=${CITY_LOGDIR:-/tmp/sanshe_city_bench/$DB-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$LOGDIR"
export PYTHONPATH=.

psql_admin() { psql "$PG/postgres" -X -q -At "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  echo "database $DB does not exist on $PG: seed it first (bench/city/README.md)" >&2
  exit 2
fi

wanted() { [ -z "${CITY_ONLY:-}" ] || [[ " $CITY_ONLY " == *" $1 "* ]]; }
note() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOGDIR/uptime.log" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }

# bench KIND DATABASE_URL COMMAND...: runs one benchmark, prints its row.
bench() {
  local kind=$1 url=$2 before after rc
  shift 2
  wanted "$kind" || return 0
  note "$kind: start, $(uptime)"
  before=$(load)
  DATABASE_URL=$url timeout "$TIMEOUT" "$@" >"$LOGDIR/$kind.log" 2>&1
  rc=$?
  after=$(load)
  note "$kind: exit $rc, $(uptime)"
  $PY bench/city/row.py "$kind" "$LABEL" "$LOGDIR/$kind.log" "$rc" "$before" "$after"
}

[ "${CITY_NO_HEADER:-0}" = "1" ] || $PY bench/city/row.py --header
note "database $DB, label $LABEL, logs in $LOGDIR"
URL=$PG/$DB

bench needs "$URL" $PY bench/bidding/bench_large.py --rounds "$ROUNDS"
# Writes and deletes its own records (300 checked + 300 plain, removed at the end).
bench hours "$URL" $PY bench/projects/bench_hours.py --n 300
bench summary "$URL" $PY bench/projects/bench_summary.py --rounds "$SUMMARY_ROUNDS"
# Creates the user bench_district_officer (once) to sign in as a district officer.
bench stats "$URL" $PY bench/stats/bench_stats.py --rounds "$ROUNDS"
# --reuse: queries the seeded index (no rebuild); re-indexes 20 of its documents unchanged.
bench search "$URL" $PY bench/search/run.py --source "$URL" --backends postgres,like --rounds 3 --reuse --per-query

# The ledger bench posts transfers (bench accounts and books) and creates pgbench's tables.
if ! wanted ledger; then
  :
elif [ "$LEDGER_COPY" = "1" ]; then
  COPY=${DB}_ledgercopy
  note "ledger: copying $DB to $COPY (createdb -T)"
  psql_admin -c "DROP DATABASE IF EXISTS $COPY" >>"$LOGDIR/ledger-copy.log" 2>&1
  start=$(date +%s)
  need=$(psql_admin -c "SELECT pg_database_size('$DB') * 12 / 10")
  free=$(df --output=avail -B1 "$(psql_admin -c 'SHOW data_directory')" 2>/dev/null | tail -1)
  if [ -n "$free" ] && [ "$free" -lt "$need" ]; then
    echo "not enough disk for a copy of $DB ($need bytes wanted, $free free): CITY_LEDGER_COPY=0 runs it in place" \
      >>"$LOGDIR/ledger-copy.log"
    cp "$LOGDIR/ledger-copy.log" "$LOGDIR/ledger.log"
    $PY bench/city/row.py ledger "$LABEL" "$LOGDIR/ledger.log" no-disk "$(load)" "$(load)"
  elif createdb -h 127.0.0.1 -U postgres -T "$DB" "$COPY" >>"$LOGDIR/ledger-copy.log" 2>&1; then
    note "ledger: copy made in $(($(date +%s) - start)) s"
    # shellcheck disable=SC2086 # LEDGER_ARGS is a list of arguments
    bench ledger "$PG/$COPY" $PY bench/ledger/bench.py $LEDGER_ARGS
    psql_admin -c "DROP DATABASE IF EXISTS $COPY" >>"$LOGDIR/ledger-copy.log" 2>&1
  else
    cp "$LOGDIR/ledger-copy.log" "$LOGDIR/ledger.log"
    $PY bench/city/row.py ledger "$LABEL" "$LOGDIR/ledger.log" copy-failed "$(load)" "$(load)"
  fi
else
  # shellcheck disable=SC2086
  bench ledger "$URL" $PY bench/ledger/bench.py $LEDGER_ARGS
  psql "$URL" -X -q -c "DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers" \
    >>"$LOGDIR/ledger.log" 2>&1
fi
note "done"
