#!/usr/bin/env bash
# The load report (issue #24, bench/load/README.md): the mixed journey of bench/load/locustfile.py,
# headless, stepping up users until p95 passes 300 ms or a request fails, first against the
# production profile (deploy/Procfile via honcho: gunicorn, Celery worker and beat, on PostgreSQL
# and Redis), then against `make run`'s development server on the same database. After each
# server: `ledger_verify`, and no donation booked twice although a fifth of Stripe's events arrive
# twice.
#   bash bench/load/run.sh            prepare + both servers (about 20 min on 2 cores)
#   bash bench/load/run.sh prepare    only the database (sanshe_load: migrate, seed_demo, seed_load)
#   bash bench/load/run.sh run        only the steps, on what prepare made
# Environment: LOAD_STEPS ("2 5 10 20 40 80 160 320 640"), LOAD_SERVERS ("stack dev": which servers, in that order), LOAD_STEP_SECONDS (60), LOAD_WARMUP_SECONDS (30), LOAD_DB (sanshe_load),
# LOAD_REDIS_DB (11), PG_USER/PG_HOST/PG_PORT, LOAD_WORK (/tmp/sanshe_load). Results: the table
# on standard output and in $LOAD_WORK/table.md, each step's Locust CSV files beside it.
set -euo pipefail
phase=${1:-all}
cd "$(dirname "$0")/../.."
t0=$(date +%s)
say() { echo "--- $* ($(($(date +%s) - t0))s)"; }
PY=.venv/bin/python
PG_USER=${PG_USER:-postgres}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
LOAD_DB=${LOAD_DB:-sanshe_load}
STEPS=${LOAD_STEPS:-2 5 10 20 40 80 160 320 640}
SERVERS=${LOAD_SERVERS:-stack dev}
STEP_SECONDS=${LOAD_STEP_SECONDS:-60}
work=${LOAD_WORK:-${TMPDIR:-/tmp}/sanshe_load}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
psql_load() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$LOAD_DB" -tAc "$1"; }

export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$LOAD_DB"
export SEARCH_BACKEND=postgres
export STRIPE_WEBHOOK_SECRET="whsec_load_run"
export DJANGO_SECRET_KEY="load-run-not-a-real-deployment-key-0123456789abcdef"
export PATH="$PWD/.venv/bin:$PATH"

if [ "$phase" != run ]; then
  rm -rf "$work"
  mkdir -p "$work"
  say "database $LOAD_DB"
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $LOAD_DB WITH (FORCE)"
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $LOAD_DB"
  PGOPTIONS="-c synchronous_commit=off" "$PY" manage.py migrate --noinput -v0
  say "migrated; seed_demo (the small city: the large one takes 7-20 min and is not needed for the mix)"
  "$PY" manage.py seed_demo --i-know-this-is-public | tail -n 1
  "$PY" bench/load/seed_load.py >"$work/seed.json"
  : >"$work/sessions_sent.txt"
  say "seeded: $(psql_load "SELECT count(*) FROM bidding_need") needs, $(psql_load "SELECT count(*) FROM accounts_user") accounts"
fi
[ "$phase" != prepare ] || exit 0
[ -f "$work/seed.json" ] || { echo "run 'bash bench/load/run.sh prepare' first"; exit 1; }
export LOAD_SEED="$work/seed.json" LOAD_SENT_FILE="$work/sessions_sent.txt"
touch "$LOAD_SENT_FILE"  # emptied by prepare; a trial `run` adds to it, as it adds to the paid donations
table="$work/table.md"

# One server, every step until the knee: one line per step in $table.
steps() {
  local label=$1 base=$2 users csv p50 p95 reqs fails rps
  # warm-up, not counted: each gunicorn worker's (and runserver's) first requests load code,
  # templates and connections (up to 14 s each on a loaded machine without it)
  LOAD_SLOT_BASE=$(psql_load "SELECT coalesce(max(substr(place, 6)::int) + 1, 0) FROM projects_servicelog WHERE place LIKE '负载测试点%'") \
  LOAD_BID_BASE=$(psql_load "SELECT coalesce(max(substr(title, 5)::int) + 1, 0) FROM bidding_proposal WHERE title LIKE '负载方案%'") \
  LOAD_DONATION_BASE=$(psql_load "SELECT coalesce(max(substr(stripe_session_id, 9)::int) + 1, 0) FROM funds_donation WHERE stripe_session_id LIKE 'cs_load_%' AND status <> 'pending'") \
    locust -f bench/load/locustfile.py --headless --host "$base" -u 5 -r 5 -t "${LOAD_WARMUP_SECONDS:-30}s" \
    --only-summary --loglevel WARNING >"$work/$label-warmup.log" 2>&1 || true
  for users in $STEPS; do
    export LOAD_SLOT_BASE LOAD_BID_BASE LOAD_DONATION_BASE
    LOAD_SLOT_BASE=$(psql_load "SELECT coalesce(max(substr(place, 6)::int) + 1, 0) FROM projects_servicelog WHERE place LIKE '负载测试点%'")
    LOAD_BID_BASE=$(psql_load "SELECT coalesce(max(substr(title, 5)::int) + 1, 0) FROM bidding_proposal WHERE title LIKE '负载方案%'")
    LOAD_DONATION_BASE=$(psql_load "SELECT coalesce(max(substr(stripe_session_id, 9)::int) + 1, 0) FROM funds_donation WHERE stripe_session_id LIKE 'cs_load_%' AND status <> 'pending'")
    local before after
    before=$(uptime | sed 's/.*load average: //')
    csv="$work/$label-$users"
    locust -f bench/load/locustfile.py --headless --host "$base" -u "$users" -r "$users" -t "${STEP_SECONDS}s" \
      --csv "$csv" --only-summary --loglevel WARNING >"$csv.log" 2>&1 || true
    after=$(uptime | sed 's/.*load average: //')
    # the Aggregated row: Type,Name,Request Count,Failure Count,Median,Average,Min,Max,Avg size,RPS,Failures/s,50%,66%,75%,80%,90%,95%,…
    IFS=, read -r reqs fails p50 p95 rps < <(awk -F, '$2=="Aggregated" {print $3","$4","$12","$17","$10}' "$csv"_stats.csv) || true
    [ -n "${p95:-}" ] || { echo "no Locust figures for $users users: see $csv.log"; tail -n 20 "$csv.log"; return 1; }
    printf '| %s | %s | %s | %s | %s | %s | %.1f | %s | %s |\n' \
      "$label" "$users" "$reqs" "$fails" "$p50" "$p95" "$rps" "$before" "$after" | tee -a "$table"
    if [ "$fails" != 0 ] || [ "$p95" -gt 300 ]; then
      echo "knee passed at $users users on $label (p95 $p95 ms, $fails failures): $(grep -v '^Method' "$csv"_failures.csv | head -n 3 | tr '\n' ' ')"
      break
    fi
  done
}

# After each server: the ledger verifies, and no Stripe session was booked twice.
check_books() {
  local label=$1 sent paid dup gifts
  "$PY" manage.py ledger_verify | tail -n 2
  sent=$(sort -u "$LOAD_SENT_FILE" | grep -c . || true)
  paid=$(psql_load "SELECT count(*) FROM funds_donation WHERE stripe_session_id LIKE 'cs_load_%' AND status <> 'pending'")
  gifts=$(psql_load "SELECT count(*) FROM ledger_transfer WHERE key LIKE 'donation:%:gift' AND reference IN (SELECT 'donation:' || id FROM funds_donation WHERE stripe_session_id LIKE 'cs_load_%')")
  dup=$(psql_load "SELECT count(*) FROM (SELECT reference FROM ledger_transfer WHERE key LIKE 'donation:%:gift' GROUP BY reference HAVING count(*) > 1) d")
  echo "$label: Stripe sessions sent $sent (a fifth of them twice), donations paid $paid, gift transfers $gifts, references booked twice $dup"
  [ "$paid" = "$sent" ] && [ "$gifts" = "$sent" ] && [ "$dup" = 0 ] || { echo "duplicated or missing bookings on $label"; return 1; }
}

wait_ready() {
  for _ in $(seq 1 360); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$1/readyz never answered 200"
  return 1
}

stop_group() {  # the process (also before it became its session's leader) and its session's group
  kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$1" 2>/dev/null || true
}

stack_pid="" dev_pid=""
cleanup() {
  [ -z "$stack_pid" ] || stop_group "$stack_pid"
  [ -z "$dev_pid" ] || stop_group "$dev_pid"
}
trap cleanup EXIT
echo "| server | users | requests | failures | p50 ms | p95 ms | req/s | load avg before | load avg after |" >"$table"
echo "|---|---|---|---|---|---|---|---|---|" >>"$table"

if [[ " $SERVERS " == *" stack "* ]]; then
# 1. the production profile, as deploy/ci_stack_smoke.sh starts it
[ -f "$work/static/staticfiles.json" ] || DJANGO_ENV=production STATIC_ROOT="$work/static" "$PY" manage.py collectstatic --noinput -v0
say "static files collected (manifest, compressed)"
port=$(free_port)
say "Procfile stack on 127.0.0.1:$port, Redis db ${LOAD_REDIS_DB:-11}"
(
  export CELERY_BROKER_URL="redis://127.0.0.1:6379/${LOAD_REDIS_DB:-11}"
  redis-cli -u "$CELERY_BROKER_URL" flushdb >/dev/null
  export DJANGO_ENV=production DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
  export DATABASE_CONN_MAX_AGE=60 LOG_LEVEL=WARNING SITE_BASE_URL="http://127.0.0.1:$port"
  export STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" PRIVATE_MEDIA_ROOT="$work/private_media"
  export EMAIL_URL="filemail:///$work/mail" PROMETHEUS_MULTIPROC_DIR="$work/metrics" GUNICORN_BIND="127.0.0.1:$port"
  mkdir -p "$work/mail" "$PROMETHEUS_MULTIPROC_DIR"
  exec setsid honcho start -f deploy/Procfile >"$work/stack.log" 2>&1
) &
stack_pid=$!
wait_ready "http://127.0.0.1:$port" || { tail -n 40 "$work/stack.log"; exit 1; }
say "stack ready ($(grep -c 'Booting worker' "$work/stack.log") gunicorn workers)"
steps "Procfile stack (gunicorn)" "http://127.0.0.1:$port"
for _ in $(seq 1 60); do  # the worker finishes what the requests queued
  [ "$(redis-cli -u "redis://127.0.0.1:6379/${LOAD_REDIS_DB:-11}" llen celery)" = 0 ] && break
  sleep 1
done
stop_group "$stack_pid"
stack_pid=""
check_books "Procfile stack"

fi

if [[ " $SERVERS " == *" dev "* ]]; then
# 2. `make run`'s development server (runserver, tasks in the web process) on the same database
port=$(free_port)
say "make run (runserver) on 127.0.0.1:$port"
(exec env -u CELERY_BROKER_URL setsid make run PORT="$port" >"$work/dev.log" 2>&1) &
dev_pid=$!
wait_ready "http://127.0.0.1:$port" || { tail -n 40 "$work/dev.log"; exit 1; }
steps "make run (runserver)" "http://127.0.0.1:$port"
stop_group "$dev_pid"
dev_pid=""
check_books "make run"
fi
say "done"
cat "$table"
