#!/usr/bin/env bash
# The production profile end to end, as CI runs it (.ci/run) and as anyone can run it alone:
#   bash deploy/ci_stack_smoke.sh
# Creates its own PostgreSQL database (sanshe_stack; PG_USER, PG_HOST, PG_PORT) and uses Redis
# database 12 (REDIS_URL), migrates, seeds a little (tests/ops/stack_seed.py), collects the static
# files with their manifest, starts deploy/Procfile with honcho (gunicorn, Celery worker, beat),
# waits for /readyz, runs the smoke journey (tests/ops/smoke.py), checks the request id reached
# the worker's log and /metrics counts requests and tasks, then stops the stack and checks that no
# process of it is left. Needs the dev requirements (honcho, factory_boy): `make install`.
#   bash deploy/ci_stack_smoke.sh prepare   only the database, seed and static files (CI starts this
#                                           beside the test suites: migrating takes a minute or more)
#   bash deploy/ci_stack_smoke.sh run       only the stack and the journey, on what prepare made
set -euo pipefail
phase=${1:-all}
cd "$(dirname "$0")/.."
t0=$(date +%s)
say() { echo "--- $* ($(( $(date +%s) - t0 ))s)"; }
PY=.venv/bin/python
PG_USER=${PG_USER:-postgres}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
STACK_DB=${STACK_DB:-sanshe_stack}
STACK_PORT=${STACK_PORT:-8790}
work=${STACK_WORK:-${TMPDIR:-/tmp}/sanshe_stack_smoke}
[ "$phase" = run ] || { rm -rf "$work"; mkdir -p "$work"; }

export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$STACK_DB"
export CELERY_BROKER_URL=${REDIS_URL:-redis://127.0.0.1:6379/12}
export DJANGO_ENV=production
export DJANGO_SECRET_KEY="stack-smoke-not-a-real-deployment-key-0123456789abcdef"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false   # no TLS proxy in front here
export SITE_BASE_URL="http://127.0.0.1:$STACK_PORT"
export STATIC_ROOT="$work/static"
export MEDIA_ROOT="$work/media" PRIVATE_MEDIA_ROOT="$work/private_media"
export SEARCH_INDEX_DIR="$work/search_index"
export EMAIL_URL="filemail:///$work/mail"  # four slashes before an absolute path
export STRIPE_WEBHOOK_SECRET="whsec_stack_smoke"
export METRICS_TOKEN="metrics-stack-smoke"
export PROMETHEUS_MULTIPROC_DIR="$work/metrics"
export GUNICORN_BIND="127.0.0.1:$STACK_PORT" WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-1}
export LOG_LEVEL=INFO
export SANSHE_ENFORCE_MFA=true
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p "$work/mail" "$PROMETHEUS_MULTIPROC_DIR"

honcho_pid=""
stop_stack() {
  [ -n "$honcho_pid" ] || return 0
  local pids
  pids=$(grep -oE 'started \(pid=[0-9]+\)' "$work/stack.log" | grep -oE '[0-9]+' || true)
  kill -TERM "$honcho_pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$honcho_pid" 2>/dev/null || break; sleep 0.5; done
  # anything still running: the honcho session and each process's own group (gunicorn makes one)
  kill -KILL -- "-$honcho_pid" 2>/dev/null || true
  for pid in $pids; do kill -KILL -- "-$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
  sleep 1
  local left=""
  for pid in $pids; do
    left="$left$(ps -o pid= -g "$pid" 2>/dev/null | tr '\n' ' ' || true)"
  done
  left="$left$(ps -o pid= -s "$honcho_pid" 2>/dev/null | tr '\n' ' ' || true)"
  honcho_pid=""
  if [ -n "${left// /}" ]; then echo "processes of the stack left running: $left"; return 1; fi
  echo "stack stopped, no process left"
}
cleanup() {
  local rc=$?
  stop_stack || rc=1
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $STACK_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit $rc
}

if [ "$phase" != run ]; then
say "database $STACK_DB, Redis ${CELERY_BROKER_URL##*/}"
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $STACK_DB WITH (FORCE)" >/dev/null
PGOPTIONS="-c synchronous_commit=off" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $STACK_DB" >/dev/null
redis-cli -u "$CELERY_BROKER_URL" flushdb >/dev/null
# (a throw-away database: commits need not wait for the disk)
PGOPTIONS="-c synchronous_commit=off" "$PY" manage.py migrate --noinput -v0
say "migrated"
"$PY" tests/ops/stack_seed.py > "$work/seed.json"
"$PY" manage.py collectstatic --noinput -v0
say "seeded, static files collected ($(find "$STATIC_ROOT" -type f | wc -l) files)"
fi
[ "$phase" != prepare ] || exit 0
[ -f "$work/seed.json" ] || { echo "run 'bash deploy/ci_stack_smoke.sh prepare' first"; exit 1; }
trap cleanup EXIT

setsid honcho start -f deploy/Procfile > "$work/stack.log" 2>&1 &
honcho_pid=$!
ready=0
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$STACK_PORT/readyz" >"$work/readyz.json" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
if [ "$ready" != 1 ]; then
  echo "/readyz never answered 200:"; curl -sS "http://127.0.0.1:$STACK_PORT/readyz" || true; echo; tail -n 60 "$work/stack.log"; exit 1
fi
say "stack ready: $(cat "$work/readyz.json")"
curl -fsS "http://127.0.0.1:$STACK_PORT/healthz" >/dev/null

smoke_rc=0
"$PY" tests/ops/smoke.py "http://127.0.0.1:$STACK_PORT" "$work/seed.json" "$work/mail" | tee "$work/smoke.out" || smoke_rc=$?
if [ "$smoke_rc" != 0 ]; then tail -n 80 "$work/stack.log"; exit 1; fi
rid=$(tail -n1 "$work/smoke.out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["request_id"])')
# the request id of the publishing request, on the web's JSON lines and on the worker's task line
grep -q "^.*web\.1 .*\"request_id\": \"$rid\"" "$work/stack.log" || { echo "no web log line with $rid"; exit 1; }
grep -q "^.*worker\.1 .*\"request_id\": \"$rid\"" "$work/stack.log" || { echo "no worker log line with $rid"; tail -n 40 "$work/stack.log"; exit 1; }
say "request id $rid is on the web's and the worker's log lines"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$STACK_PORT/metrics")" = 403 ] \
  || { echo "/metrics answered without the token"; exit 1; }
curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$STACK_PORT/metrics" > "$work/metrics.txt"
grep '^sanshe_http_requests_total{' "$work/metrics.txt" | grep 'method="POST"' | grep -q 'status="201"' \
  || { echo "/metrics has no request counts"; grep sanshe_http "$work/metrics.txt" | head -20; exit 1; }
grep '^sanshe_celery_tasks_total{' "$work/metrics.txt" | grep 'outcome="SUCCESS"' | grep -q 'task="apps.notifications.tasks.notification_email_task"' \
  || { echo "/metrics has no Celery task outcome"; grep sanshe_ "$work/metrics.txt" | head -30; exit 1; }
say "/metrics refuses without the token, counts requests by view and the worker's tasks"
stop_stack
say "stack smoke passed"
