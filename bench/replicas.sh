#!/usr/bin/env bash
# Replicas under load behind HAProxy: PostgreSQL-backed replicas of the server behind Debian's
# haproxy, a bounded mixed load (bench/replicas.py), then checks. Exits non-zero on any lost or
# duplicated write, missed subscription event or webhook, bad signature, or 5xx.
#
#   bench/replicas.sh                        # 2 replicas, 20 s of load
#   DURATION=8 bench/replicas.sh             # the short run CI makes
#   REPLICAS=3 READERS=8 DURATION=60 bench/replicas.sh
#   FAULT=kill bench/replicas.sh             # kill -9 the last replica halfway through
#   FAULT=term bench/replicas.sh             # SIGTERM it instead: it must drain and exit 0
#   FAULT=pg-restart bench/replicas.sh       # restart PostgreSQL halfway (a private server)
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
PIDS=()
PRIVATE_PG=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $OUT/haproxy.pid ]] && kill "$(cat "$OUT/haproxy.pid")" 2>/dev/null || true
  sleep 0.5
  if [[ -n $PRIVATE_PG ]]; then
    su postgres -c "$PG_BIN/pg_ctl -D $PRIVATE_PG/data stop -m immediate" >/dev/null 2>&1 || true
    rm -rf "$PRIVATE_PG"
  else
    psql "$PG_URL/postgres" -X -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [[ $FAULT == pg-restart ]]; then
  # Restarting the shared server would break everyone else's work: a private one, made here.
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PRIVATE_PG=$(mktemp -d /tmp/replicas-pg.XXXXXX)
  chown postgres "$PRIVATE_PG"
  pg_port=$(free_port)
  su postgres -c "$PG_BIN/initdb -D $PRIVATE_PG/data -A trust -U postgres" >/dev/null
  su postgres -c "$PG_BIN/pg_ctl -D $PRIVATE_PG/data -o '-p $pg_port -k $PRIVATE_PG -c listen_addresses=127.0.0.1' -l $PRIVATE_PG/log -w start" >/dev/null
  PG_URL=postgres://postgres@127.0.0.1:$pg_port
  export PG_RESTART="su postgres -c '$PG_BIN/pg_ctl -D $PRIVATE_PG/data -m fast -w restart' >/dev/null"
fi
DB=replicas_$(date +%s)_$$
DB_URL=$PG_URL/$DB

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
  # Liveness, not readiness: when the database is down every replica is, and each answers
  # 503 DATABASE_UNAVAILABLE itself rather than the balancer answering for them.
  option httpchk GET /health
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
export FAULT FAULT_AFTER=$((DURATION / 2))
case $FAULT in
  kill | term)
    export FAULT_PID=${PIDS[-1]} KILLED_REPLICA=replica$COUNT
    # A killed replica's claimed webhook deliveries are retried once their lock lapses (34 s).
    [[ $FAULT == kill ]] && export SETTLE_SECONDS=${SETTLE_SECONDS:-50}
    ;;
  pg-restart) export SETTLE_SECONDS=${SETTLE_SECONDS:-30} ;;
  none) ;;
  *) log "FAULT is none, kill, term or pg-restart"; exit 2 ;;
esac
log "load: $COUNT replicas behind HAProxy, ${DURATION}s, fault: $FAULT"
status=0
"$VENV/bin/python" "$ROOT/bench/replicas.py" || status=$?
if [[ $FAULT == term ]]; then
  # SIGTERM drains: the replica finished what it was doing and exited cleanly.
  code=0
  wait "${PIDS[-1]}" || code=$?
  if [[ $code != 0 ]]; then
    log "FAILED: the replica sent SIGTERM exited with $code"
    status=1
  else
    log "the replica sent SIGTERM drained and exited 0"
  fi
fi
errors=$(cat "$OUT"/replica*.log | grep -c ERROR || true)
log "ERROR lines in the replicas' logs: $errors (in $OUT)"
exit $status
