#!/usr/bin/env bash
# Bounded load test on loopback: the app under gunicorn on a fresh PostgreSQL database,
# readers and generating supervisors simulated by locust, a summary table at the end.
#
#   scripts/loadtest/run.sh [--users N] [--generators N] [--duration S] [--rate R]
#                           [--workers N] [--threads N] [--solve-workers N] [--out DIR]
#
# Every flag has an environment twin (LOADTEST_USERS, ...); see usage() below.
# Solves go to queue workers when REDIS_URL is set and `flask --app scheduler worker`
# exists; otherwise they run in threads of the web processes, and the output says so.
# Everything started here (gunicorn, workers, locust) is stopped on exit and the
# database dropped. The exit status is 0 when the targets were met (no errors, p95 of
# rota pages within LOADTEST_TARGET_MS), 1 when not.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

USERS="${LOADTEST_USERS:-55}"
GENERATORS="${LOADTEST_GENERATORS:-5}"
DURATION="${LOADTEST_DURATION:-60}"
RATE="${LOADTEST_RATE:-2}"
WARMUP="${LOADTEST_WARMUP:-30}"
WEB_WORKERS="${LOADTEST_WEB_WORKERS:-2}"
WEB_THREADS="${LOADTEST_WEB_THREADS:-4}"
SOLVE_WORKERS="${LOADTEST_SOLVE_WORKERS:-1}"
SOLVE_NICE="${LOADTEST_SOLVE_NICE:-10}"
SOLVE_SECONDS="${LOADTEST_SOLVE_SECONDS:-10}"
THINK="${LOADTEST_THINK:-2,5}"
PROFILE="${LOADTEST_PROFILE:-}"
TARGET_MS="${LOADTEST_TARGET_MS:-300}"
PORT="${LOADTEST_PORT:-}"
OUT="${LOADTEST_OUT:-$ROOT/artifacts/loadtest/$(date +%Y%m%d-%H%M%S)}"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
PG_USER="${PGUSER:-postgres}"

usage() {
  cat <<EOF
Usage: scripts/loadtest/run.sh [options]   (run from the virtual environment)

  --users N          simulated users in all, generators included   [LOADTEST_USERS=$USERS]
  --generators N     supervisors generating rotas                   [LOADTEST_GENERATORS=$GENERATORS]
  --duration S       seconds of load                                [LOADTEST_DURATION=$DURATION]
  --rate R           users started (and signed in) per second       [LOADTEST_RATE=$RATE]
  --warmup S         seconds for starting users before figures count [LOADTEST_WARMUP=$WARMUP]
  --workers N        gunicorn worker processes                      [LOADTEST_WEB_WORKERS=$WEB_WORKERS]
  --threads N        threads per gunicorn worker                    [LOADTEST_WEB_THREADS=$WEB_THREADS]
  --solve-workers N  queue workers (with REDIS_URL)                 [LOADTEST_SOLVE_WORKERS=$SOLVE_WORKERS]
  --out DIR          CSV files and logs                             [LOADTEST_OUT=artifacts/loadtest/DATE]
  --profile          first time each page kind alone: SQL statements, SQL and template time
                                                                    [LOADTEST_PROFILE=1]

Other settings: LOADTEST_SOLVE_SECONDS=$SOLVE_SECONDS (time limit of each solve),
LOADTEST_THINK=$THINK (seconds a reader waits between pages, min,max),
LOADTEST_SOLVE_NICE=$SOLVE_NICE (how much queue workers lower their CPU priority and, where
Linux autogroup is on, their scheduling group), LOADTEST_TARGET_MS=$TARGET_MS,
LOADTEST_PORT (default: a free port), PGHOST/PGPORT/PGUSER for PostgreSQL
($PG_USER@$PG_HOST:$PG_PORT), REDIS_URL to run solves on queue workers.
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --generators) GENERATORS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --workers) WEB_WORKERS="$2"; shift 2 ;;
    --threads) WEB_THREADS="$2"; shift 2 ;;
    --solve-workers) SOLVE_WORKERS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in createdb dropdb psql gunicorn locust flask python curl; do
  command -v "$tool" >/dev/null || { echo "Needs '$tool' on PATH (activate the virtual environment)." >&2; exit 2; }
done
if (( USERS <= GENERATORS )); then
  echo "--users ($USERS) must be more than --generators ($GENERATORS)." >&2
  exit 2
fi

mkdir -p "$OUT"
DB_NAME="scheduler_loadtest_$(date +%s)_$$"
PIDS=()
DB_CREATED=""
USE_WORKERS=""

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }

stop_group() {  # TERM a process group started with setsid, then KILL whatever is left
  local pgid="$1" _
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 -- "-$pgid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  wait "$pgid" 2>/dev/null || true
}

stop_all() {
  local status=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    stop_group "$pid"
  done
  if [[ -n "$USE_WORKERS" ]]; then
    python -c 'import os, redis, rq
rq.Queue(os.environ["SOLVE_QUEUE"], connection=redis.Redis.from_url(os.environ["REDIS_URL"])).delete(delete_jobs=True)' \
      || say "Could not delete the Redis queue $SOLVE_QUEUE."
  fi
  if [[ -n "$DB_CREATED" ]]; then
    if dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists --force "$DB_NAME"; then
      say "Stopped everything started here and dropped database $DB_NAME."
    else
      say "Could not drop database $DB_NAME; drop it by hand."
    fi
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

TICKS="$(getconf CLK_TCK)"

proc_ticks() {  # CPU ticks of one process: its own (fields 14-15), with ended children (16-17)
  local fields="$2"
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null \
    | awk -v f="$fields" '{ print (f == "own" ? $12 + $13 : $12 + $13 + $14 + $15) }' || true
}

ticks_to_seconds() {  # sum lines of ticks and print whole seconds
  awk -v t="$TICKS" '{ s += $1 } END { printf "%.0f\n", s / t }'
}

cpu_seconds() {  # CPU seconds of the given processes, their ended children and live children
  local pid child
  for pid in "$@"; do
    proc_ticks "$pid" all
    for child in $(pgrep -P "$pid" || true); do proc_ticks "$child" own; done
  done | ticks_to_seconds
}

database_seconds() {  # CPU seconds of the PostgreSQL backends serving the test's database
  local pid
  for pid in $(pgrep -f "postgres: .* $DB_NAME " || true); do
    proc_ticks "$pid" own
  done | ticks_to_seconds
}

busy_seconds() {  # CPU seconds the whole machine has been busy since boot (from /proc/stat)
  awk -v t="$TICKS" '/^cpu / { printf "%.0f\n", ($2 + $3 + $4 + $7 + $8) / t }' /proc/stat
}

if [[ -z "$PORT" ]]; then
  PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
HOST_URL="http://127.0.0.1:$PORT"
export DATABASE_URL="postgresql+psycopg://$PG_USER@$PG_HOST:$PG_PORT/$DB_NAME"
export SECRET_KEY="${SECRET_KEY:-$(python -c 'import secrets; print(secrets.token_hex(32))')}"
PASSWORD="$(python -c 'import secrets; print("load-" + secrets.token_urlsafe(12))')"
cd "$ROOT"

say "Creating database $DB_NAME on $PG_HOST:$PG_PORT; logs in $OUT"
createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB_NAME"
DB_CREATED=1
flask --app scheduler seed-demo >"$OUT/seed.log" 2>&1 || { cat "$OUT/seed.log" >&2; exit 1; }
tail -n 4 "$OUT/seed.log"
python "$HERE/prepare.py" --plan "$OUT/plan.json" --password "$PASSWORD" \
  --supervisors "$USERS" --generators "$GENERATORS" >"$OUT/prepare.log" 2>&1 \
  || { cat "$OUT/prepare.log" >&2; exit 1; }
grep -v '^Created .* account ' "$OUT/prepare.log" || true
if [[ -n "$PROFILE" ]]; then
  say "Profiling each page kind alone (one process, no load)"
  python "$HERE/profile_pages.py" --plan "$OUT/plan.json" | tee "$OUT/profile.txt"
fi

if [[ -n "${REDIS_URL:-}" ]] && flask --app scheduler worker --help >/dev/null 2>&1; then
  export SOLVE_QUEUE="$DB_NAME"  # a queue of this run's own: no job of an earlier run is taken
  SOLVE_MODE="$SOLVE_WORKERS queue worker(s), queue $SOLVE_QUEUE on $REDIS_URL, nice $SOLVE_NICE"
  USE_WORKERS=1
else
  if [[ -n "${REDIS_URL:-}" ]]; then
    say "REDIS_URL is set but 'flask --app scheduler worker' does not exist here."
  fi
  unset REDIS_URL
  SOLVE_MODE="IN-PROCESS: solves run in threads of the gunicorn workers (no queue workers)"
fi
say "Solves: $SOLVE_MODE"

say "Starting gunicorn on $HOST_URL: $WEB_WORKERS worker(s) x $WEB_THREADS thread(s)"
setsid gunicorn --bind "127.0.0.1:$PORT" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
  --timeout 120 --graceful-timeout 10 --error-logfile "$OUT/gunicorn.log" \
  "scheduler:create_app()" &
GUNICORN_PID=$!
PIDS+=("$GUNICORN_PID")
for _ in $(seq 1 120); do
  if curl -fs -o /dev/null "$HOST_URL/auth/login"; then break; fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs -o /dev/null "$HOST_URL/auth/login" || { echo "gunicorn did not answer" >&2; exit 1; }

WORKER_PIDS=()
if [[ -n "$USE_WORKERS" ]]; then
  for n in $(seq 1 "$SOLVE_WORKERS"); do
    SOLVE_NICE="$SOLVE_NICE" setsid flask --app scheduler worker >"$OUT/worker-$n.log" 2>&1 &
    WORKER_PIDS+=("$!")
    PIDS+=("$!")
  done
fi

READERS=$(( USERS - GENERATORS ))
say "Load: $USERS users ($READERS readers, $GENERATORS generators), $RATE/s ramp (figures reset once all have started, within ${WARMUP}s), ${DURATION}s, think ${THINK/,/-} s, solves of ${SOLVE_SECONDS} s"
BUSY_BEFORE="$(busy_seconds)"
STARTED_AT="$(date +%s)"
DB_CPU_BEFORE="$(database_seconds)"
WEB_CPU_BEFORE="$(cpu_seconds "$GUNICORN_PID")"
SOLVE_CPU_BEFORE="$(cpu_seconds "${WORKER_PIDS[@]}")"
LOCUST_STATUS=0
TIMED=()
if [[ -x /usr/bin/time ]]; then TIMED=(/usr/bin/time -f '%U %S' -o "$OUT/locust.cpu"); fi
LOADTEST_PLAN="$OUT/plan.json" LOADTEST_GENERATORS="$GENERATORS" \
LOADTEST_SOLVE_SECONDS="$SOLVE_SECONDS" LOADTEST_THINK="$THINK" \
  "${TIMED[@]}" locust -f "$HERE/locustfile.py" --headless --host "$HOST_URL" \
  -u "$USERS" -r "$RATE" -t "$(( WARMUP + DURATION ))s" --reset-stats --stop-timeout 5 \
  --csv "$OUT/locust" --csv-full-history --only-summary --loglevel WARNING --exit-code-on-error 0 \
  >"$OUT/locust.log" 2>&1 || LOCUST_STATUS=$?
if (( LOCUST_STATUS != 0 )); then
  cat "$OUT/locust.log" >&2
  exit 1
fi
WEB_CPU=$(( $(cpu_seconds "$GUNICORN_PID") - WEB_CPU_BEFORE ))
SOLVE_CPU=$(( $(cpu_seconds "${WORKER_PIDS[@]}") - SOLVE_CPU_BEFORE ))
DB_CPU=$(( $(database_seconds) - DB_CPU_BEFORE ))
BUSY=$(( $(busy_seconds) - BUSY_BEFORE ))
ELAPSED=$(( $(date +%s) - STARTED_AT ))
LOCUST_CPU="$(awk '{ printf "%.0f", $1 + $2 }' "$OUT/locust.cpu" 2>/dev/null || echo 0)"
OTHERS=$(( BUSY - WEB_CPU - SOLVE_CPU - DB_CPU - LOCUST_CPU ))
if [[ -n "$USE_WORKERS" ]]; then
  CPU_SPLIT="web $WEB_CPU, queue workers $SOLVE_CPU"
else
  CPU_SPLIT="web with its solve threads $WEB_CPU"
fi

echo
echo "Load test, $(date +%F): $USERS users ($READERS readers, $GENERATORS generators) for ${DURATION}s"
echo "gunicorn: $WEB_WORKERS worker(s) x $WEB_THREADS thread(s); solves: $SOLVE_MODE"
echo "CPU seconds during the load ($(nproc) cores x ${ELAPSED}s = $(( $(nproc) * ELAPSED )) s):" \
  "$CPU_SPLIT, PostgreSQL $DB_CPU, locust $LOCUST_CPU;" \
  "other processes on the machine $(( OTHERS > 0 ? OTHERS : 0 ))"
echo
SUMMARY_STATUS=0
python "$HERE/summary.py" "$OUT/locust" --seconds "$DURATION" --target-ms "$TARGET_MS" \
  || SUMMARY_STATUS=$?
echo
echo "CSV files and logs: $OUT"
exit "$SUMMARY_STATUS"
