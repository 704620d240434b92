#!/usr/bin/env bash
# Replicas under load behind HAProxy: PostgreSQL-backed replicas of the server behind Debian's
# haproxy, a bounded mixed load (bench/replicas.py), then checks. Exits non-zero on any lost or
# duplicated write, missed subscription event or webhook, bad signature, or 5xx.
#
#   bench/replicas.sh                        # 2 replicas, 20 s of load
#   DURATION=8 bench/replicas.sh             # the short run CI makes
#   REPLICAS=3 READERS=8 DURATION=60 bench/replicas.sh
#   FAULT=kill bench/replicas.sh             # kill -9 the last replica halfway through
#
# Settings: PG_URL (a server, default the local one), BIN (default the debug binary, built
# unless SKIP_BUILD=1), OUT (logs, default target/replicas). The database is made for the run
# and dropped after it. See BENCHMARKS.md for figures.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BIN=${BIN:-$TARGET/debug/jobboard}
COUNT=${REPLICAS:-2}
export DURATION=${DURATION:-20}
FAULT=${FAULT:-none}
OUT=${OUT:-$TARGET/replicas}
CANDIDATES=${CANDIDATES:-4}

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for tool in haproxy psql; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    case $tool in psql) pkg=postgresql-client ;; *) pkg=$tool ;; esac
    apt-get install -y "$pkg" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null; }
  fi
done
VENV=$TARGET/bench-venv
if ! "$VENV/bin/python" -c 'import websockets.sync.client' 2>/dev/null; then
  log "installing the driver's WebSocket client (PyPI websockets) into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet websockets
fi
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  log "building the server"
  cargo build --quiet --bin jobboard
fi

rm -rf "$OUT" && mkdir -p "$OUT/mail"
DB=replicas_$(date +%s)_$$
DB_URL=$PG_URL/$DB
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $OUT/haproxy.pid ]] && kill "$(cat "$OUT/haproxy.pid")" 2>/dev/null || true
  sleep 0.5
  psql "$PG_URL/postgres" -X -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

export JWT_SECRET=replicas-secret-0123456789abcdef0123456789abcdef
export WEBHOOK_SECRET_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
export APP_ENV=development SEED_DEMO_DATA=false

log "database $DB with the demo data"
psql "$PG_URL/postgres" -X -q -c "CREATE DATABASE $DB"
RUST_LOG=error "$BIN" seed --database-url "$DB_URL" >/dev/null
psql_db() { psql "$DB_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
read -r ORG_ID ORG <<<"$(psql_db "SELECT id, acronym FROM organisation ORDER BY id LIMIT 1" | tr '|' ' ')"
mint() { DATABASE_URL=$DB_URL RUST_LOG=error "$BIN" token --ttl-minutes 120 "$@"; }
export RECRUITER_TOKEN ADMIN_TOKEN CANDIDATE_TOKENS=""
RECRUITER_TOKEN=$(mint --role RECRUITER --org "$ORG")
ADMIN_TOKEN=$(mint --role AGENCY_ADMIN --org "$ORG")
psql_db "INSERT INTO account (email, password_hash, full_name, role, active, email_verified_at, version, created_at, updated_at)
  SELECT 'replicas.' || n || '@bench.jobboard.invalid', '!', 'Candidate ' || n, 'CANDIDATE', true, now(), 1, now(), now()
  FROM generate_series(1, $CANDIDATES) n" >/dev/null
for id in $(psql_db "SELECT id FROM account WHERE email LIKE 'replicas.%' ORDER BY id"); do
  CANDIDATE_TOKENS="$CANDIDATE_TOKENS $(mint --role CANDIDATE --subject-account "$id")"
done
export ORGANISATION_ID
ORGANISATION_ID=$(python3 -c "import base64; print(base64.urlsafe_b64encode(b'Organisation:$ORG_ID').decode().rstrip('='))")

BALANCER_PORT=$(free_port)
BACKENDS=""
REPLICA_URLS=""
for i in $(seq 1 "$COUNT"); do
  port=$(free_port)
  DATABASE_URL=$DB_URL BIND_ADDR=127.0.0.1:$port METRICS_ADDR=127.0.0.1:$(free_port) \
    FORWARDED_HOPS=1 RATE_LIMIT_OPERATIONS_PER_MINUTE=0 WEBHOOK_POLL_INTERVAL_MS=200 \
    WEBHOOK_TIMEOUT_SECONDS=2 MAIL_DIR="$OUT/mail" RUST_LOG=${RUST_LOG:-warn} \
    "$BIN" serve >"$OUT/replica$i.log" 2>&1 &
  PIDS+=("$!")
  BACKENDS+="  server replica$i 127.0.0.1:$port check"$'\n'
  REPLICA_URLS+=" http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:$port/ready" >/dev/null || { log "replica $i did not start"; cat "$OUT/replica$i.log" >&2; exit 1; }
done

cat >"$OUT/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  option forwardfor
frontend api
  bind 127.0.0.1:$BALANCER_PORT
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
  # A connection a dead replica refused never reached it: safe to send to another.
  retries 2
  option redispatch
$BACKENDS
CFG
haproxy -f "$OUT/haproxy.cfg" -D -p "$OUT/haproxy.pid"
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$BALANCER_PORT/ready" >/dev/null 2>&1 && break; sleep 0.1; done

export BALANCER=http://127.0.0.1:$BALANCER_PORT REPLICAS="$REPLICA_URLS" DATABASE_URL=$DB_URL
export WEBHOOK_PORT OPERATIONS=$ROOT/bench/operations RUN_ID=$DB
WEBHOOK_PORT=$(free_port)
if [[ $FAULT == kill ]]; then
  export KILL_PID=${PIDS[-1]} KILL_AFTER=$((DURATION / 2)) KILLED_REPLICA=replica$COUNT
  # The dead replica's claimed webhook deliveries are retried once their lock lapses (34 s).
  export SETTLE_SECONDS=${SETTLE_SECONDS:-50}
fi
log "load: $COUNT replicas behind HAProxy, ${DURATION}s, fault: $FAULT"
status=0
"$VENV/bin/python" "$ROOT/bench/replicas.py" || status=$?
errors=$(cat "$OUT"/replica*.log | grep -c ERROR || true)
log "ERROR lines in the replicas' logs: $errors (in $OUT)"
exit $status
