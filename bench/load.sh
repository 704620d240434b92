#!/usr/bin/env bash
# Load test: the release server on PostgreSQL with synthetic data, driven over HTTP by wrk.
#
#   bench/load.sh                      # build, seed once, run every operation at 1, 16, 64
#   OPERATIONS="list detail" RUNS=5 DURATION=20s bench/load.sh
#   RESEED=1 bench/load.sh             # drop and regenerate the database first
#   SEED_ONLY=1 bench/load.sh          # create and seed the database, run nothing
#   PROFILE=1 OPERATIONS=detail RUNS=1 bench/load.sh   # also record a perf profile of each run
#
# Prints, for each operation and concurrency, the median of RUNS runs: requests per second,
# p50 and p99 latency, the server's peak RSS during the run (VmHWM, reset before each run) and
# the 1-minute load average before it. Every run is kept in $OUT/runs.tsv, wrk's own output in
# $OUT/wrk/. See BENCHMARKS.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=${BENCH_DB:-bench}
# Connection parameters for the server and psql, e.g. PG_PARAMS=sslmode=disable (the local
# server has TLS on; the default, as in production, negotiates it).
PG_PARAMS=${PG_PARAMS:-}
DATABASE_URL="$PG_URL/$BENCH_DB${PG_PARAMS:+?$PG_PARAMS}"
VACANCIES=${VACANCIES:-100000}
APPLICATIONS=${APPLICATIONS:-1000000}
RESEED=${RESEED:-0}
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
CONCURRENCIES=${CONCURRENCIES:-1 16 64}
OPERATIONS=${OPERATIONS:-list filtered search detail pipeline create apply}
BIND=${BIND:-127.0.0.1:8088}
POOL=${POOL:-10}
OUT=${OUT:-$ROOT/target/bench}
CANDIDATES=${CANDIDATES:-64}
BIN=${BIN:-$ROOT/target/release/jobboard}

export JWT_SECRET=${JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
export WEBHOOK_SECRET_KEY=${WEBHOOK_SECRET_KEY:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}
export JWT_ISSUER=jobboard JWT_AUDIENCE=jobboard-api
# One load generator on one address: the per-client rate limit would answer 429s, not measure.
export RATE_LIMIT_OPERATIONS_PER_MINUTE=${RATE_LIMIT_OPERATIONS_PER_MINUTE:-0}
unset DATABASE_MAX_CONNECTIONS LOG_STATEMENTS

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
for tool in wrk psql python3 curl; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    case $tool in
      psql) pkg=postgresql-client ;;
      *) pkg=$tool ;;
    esac
    apt-get install -y "$pkg" >/dev/null
  fi
done

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  log "building the release binary"
  cargo build --release --quiet --bin jobboard
fi

mkdir -p "$OUT/wrk" "$OUT/data"
psql_bench() { psql "$DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# --- database ----------------------------------------------------------------------------
exists=$(psql "$PG_URL/postgres" -X -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'")
if [[ $RESEED == 1 || $exists != 1 ]]; then
  log "creating database $BENCH_DB"
  psql "$PG_URL/postgres" -X -q -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
  psql "$PG_URL/postgres" -X -q -c "CREATE DATABASE $BENCH_DB"
  log "seeding $VACANCIES vacancies and $APPLICATIONS applications"
  start=$(date +%s.%N)
  "$BIN" seed --synthetic "$VACANCIES" --applications "$APPLICATIONS" \
    --database-url "$DATABASE_URL" 2>&1 | tee "$OUT/seed.log" >&2
  end=$(date +%s.%N)
  python3 -c "print(f'seed: {$end - $start:.1f} s')" | tee -a "$OUT/seed.log" >&2
  psql_bench -c "VACUUM ANALYZE"
else
  # Rows the earlier runs wrote; the synthetic data itself stays.
  log "removing the rows of earlier load tests"
  psql_bench <<'SQL'
DELETE FROM application_document WHERE application_id IN (SELECT a.id FROM application a JOIN account c ON c.id = a.candidate_id WHERE c.email LIKE '%@bench.jobboard.invalid');
DELETE FROM application WHERE candidate_id IN (SELECT id FROM account WHERE email LIKE '%@bench.jobboard.invalid');
DELETE FROM vacancy WHERE reference LIKE 'BENCH/%';
VACUUM ANALYZE;
SQL
fi

[[ ${SEED_ONLY:-0} == 1 ]] && exit 0

# --- the server ----------------------------------------------------------------------------
log "starting the server on $BIND (pool $POOL)"
APP_ENV=production PUBLIC_URL=http://$BIND DATABASE_URL=$DATABASE_URL BIND_ADDR=$BIND DATABASE_MAX_CONNECTIONS=$POOL \
  RUST_LOG=${RUST_LOG:-warn} "$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://$BIND/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://$BIND/ready" >/dev/null

# --- inputs ----------------------------------------------------------------------------------
log "preparing requests and tokens"
gid() { python3 -c 'import base64,sys; [print(base64.urlsafe_b64encode(f"Vacancy:{l.strip()}".encode()).decode().rstrip("=")) for l in sys.stdin if l.strip()]'; }
psql_bench -c "SELECT id FROM vacancy WHERE status = 'PUBLISHED' AND closing_at > now() + interval '1 day' ORDER BY random() LIMIT 20000" | gid >"$OUT/data/open.txt"
read -r BUSIEST ORG <<<"$(psql_bench -F ' ' -c "SELECT a.vacancy_id, o.acronym FROM application a JOIN vacancy v ON v.id = a.vacancy_id JOIN organisation o ON o.id = v.organisation_id GROUP BY a.vacancy_id, o.acronym ORDER BY count(*) DESC LIMIT 1")"
BUSIEST_GID=$(echo "$BUSIEST" | gid)

# Tokens are minted with the server's secret; `token` in development creates the recruiter
# account once when the organisation has none.
mint() { APP_ENV=development SEED_DEMO_DATA=false DATABASE_URL=$DATABASE_URL RUST_LOG=error "$BIN" token --ttl-minutes 600 "$@"; }
RECRUITER=$(mint --role RECRUITER --org "$ORG")

NONCE=$(date -u +%Y%m%d%H%M%S)
psql_bench -c "INSERT INTO account (email, password_hash, full_name, role, active, version, created_at, updated_at)
  SELECT 'bench.$NONCE.' || n || '@bench.jobboard.invalid', '!', 'Bench Candidate ' || n, 'CANDIDATE', true, 1, now(), now()
  FROM generate_series(1, $CANDIDATES) n" >/dev/null
psql_bench -c "SELECT id FROM account WHERE email LIKE 'bench.$NONCE.%' ORDER BY id" >"$OUT/data/candidates.txt"
: >"$OUT/data/tokens.txt"
while read -r id; do
  mint --role CANDIDATE --subject-account "$id" >>"$OUT/data/tokens.txt"
done <"$OUT/data/candidates.txt"

python3 - "$ROOT/bench/operations" "$OUT/data" "$BUSIEST_GID" <<'PY'
import json, sys
ops, data, busiest = sys.argv[1:4]
def query(name):
    return open(f"{ops}/{name}.graphql").read()
def body(name, variables):
    return json.dumps({"query": query(name), "variables": variables}, separators=(",", ":"))
open(f"{data}/list.jsonl", "w").write(body("list", {"filter": {"openOnly": True}}) + "\n")
# The filtered list (country and grade category), and search with facets.
filters = [{"openOnly": True, "country": c, "gradeCategory": g}
           for c in ["KE", "SN", "MA", "JO", "TH", "CH", "PK", "CO"]
           for g in ["PROFESSIONAL", "GENERAL_SERVICE", "NATIONAL_OFFICER"]]
open(f"{data}/filtered.jsonl", "w").write("".join(body("list", {"filter": f}) + "\n" for f in filters))
words = ["coordinat", "reintegration maroc", "protection", "assistant", "migration",
         "programme officer", "finance", "logistique", "sante", "education"]
searches = [{"openOnly": True, "search": w} for w in words]
open(f"{data}/search.jsonl", "w").write("".join(body("search", {"filter": f}) + "\n" for f in searches))
ids = [l.strip() for l in open(f"{data}/open.txt") if l.strip()]
open(f"{data}/detail.jsonl", "w").write("".join(body("detail", {"id": i}) + "\n" for i in ids))
open(f"{data}/pipeline.jsonl", "w").write(body("pipeline", {"vacancy": busiest}) + "\n")
create = json.load(open(f"{ops}/create.variables.json"))
open(f"{data}/create.json", "w").write(body("create", create) + "\n")
apply = json.load(open(f"{ops}/apply.variables.json"))
open(f"{data}/apply.json", "w").write(body("apply", apply) + "\n")
pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
open(f"{data}/cv.pdf", "wb").write(pdf.ljust(16 * 1024, b" ") + b"\n%%EOF\n")
PY

# --- runs ------------------------------------------------------------------------------------
export WRK_DIR=$ROOT/bench/wrk
RUNS_TSV=$OUT/runs.tsv
[[ -f $RUNS_TSV ]] || printf 'time\toperation\tconcurrency\trun\trps\tp50_ms\tp99_ms\terrors\tpeak_rss_mib\tload1\tserver_cpu_ms_per_req\n' >"$RUNS_TSV"
APPLY_OFFSET=0

# wrk's latency with its unit, in milliseconds.
ms() { python3 -c 'import sys,re; v,u=re.match(r"([\d.]+)(us|ms|s|m)$", sys.argv[1]).groups(); print(round(float(v)*{"us":0.001,"ms":1,"s":1000,"m":60000}[u], 2))' "$1"; }

run() {
  local op=$1 conc=$2 i=$3 threads=$(( $2 < 2 ? 1 : 2 )) script env=()
  case $op in
    list|filtered|search|detail) script=read.lua; env=(BODIES="$OUT/data/$op.jsonl") ;;
    pipeline) script=read.lua; env=(BODIES="$OUT/data/pipeline.jsonl" TOKEN="$RECRUITER") ;;
    create) script=create.lua; env=(BODY="$OUT/data/create.json" TOKEN="$RECRUITER" PREFIX="BENCH/$NONCE/$conc/$i") ;;
    apply) script=apply.lua; env=(BODY="$OUT/data/apply.json" TOKENS="$OUT/data/tokens.txt"
             VACANCIES="$OUT/data/open.txt" CV="$OUT/data/cv.pdf" OFFSET=$APPLY_OFFSET THREADS=$threads) ;;
  esac
  echo 5 >"/proc/$SERVER/clear_refs" 2>/dev/null || true   # resets VmHWM to the current RSS
  local load1 file=$OUT/wrk/$op-c$conc-r$i.txt
  load1=$(cut -d' ' -f1 /proc/loadavg)
  local cpu0 cpu1
  cpu0=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  local perf=
  if [[ ${PROFILE:-0} == 1 ]]; then
    mkdir -p "$OUT/perf"
    perf record -q -e cpu-clock -F 999 -g -p "$SERVER" -o "$OUT/perf/$op-c$conc-r$i.data" \
      -- sleep "${DURATION%s}" 2>/dev/null &
    perf=$!
  fi
  env "${env[@]}" wrk -t"$threads" -c"$conc" -d"$DURATION" --latency -s "$WRK_DIR/$script" \
    "http://$BIND/graphql" >"$file"
  if [[ -n $perf ]]; then
    wait "$perf" || true
    perf report -q -i "$OUT/perf/$op-c$conc-r$i.data" --no-children --sort dso,symbol --stdio \
      -g none --percent-limit 0.7 2>/dev/null >"$OUT/perf/$op-c$conc-r$i.txt" || true
  fi
  local rps p50 p99 errors hwm requests cpu
  rps=$(awk '/^Requests\/sec/ {print $2}' "$file")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$file")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$file")")
  errors=$(awk '/^errors:/ {print $2}' "$file")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$file")
  requests=$(awk '/requests in/ {print $1}' "$file")
  hwm=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER/status")
  # The server's own CPU time per request (user + system), which the machine's load does not
  # inflate the way it inflates latency.
  cpu1=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  cpu=$(python3 -c "import os; print(round(($cpu1 - $cpu0) * 1000 / os.sysconf('SC_CLK_TCK') / max($requests, 1), 3))")
  [[ $op == apply ]] && APPLY_OFFSET=$((APPLY_OFFSET + requests + 10000))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$op" "$conc" "$i" \
    "$rps" "$p50" "$p99" "${errors:-?}${non2xx:+ ($non2xx non-2xx)}" "$hwm" "$load1" "$cpu" | tee -a "$RUNS_TSV" >&2
}

STARTED=$(date -u +%FT%TZ)
for op in $OPERATIONS; do
  for conc in $CONCURRENCIES; do
    for i in $(seq 1 "$RUNS"); do
      run "$op" "$conc" "$i"
    done
  done
done
log "server peak RSS over the whole test: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER/status") (since the last reset)"

# --- summary ---------------------------------------------------------------------------------
python3 - "$RUNS_TSV" "$STARTED" <<'PY'
import csv, statistics, sys
path, started = sys.argv[1:3]
rows = [r for r in csv.DictReader(open(path), delimiter="\t")
        if r["time"] >= started and r.get("server_cpu_ms_per_req")]
groups = {}
for r in rows:
    groups.setdefault((r["operation"], int(r["concurrency"])), []).append(r)
print("| operation | conc | runs | req/s | p50 ms | p99 ms | peak RSS MiB | server CPU ms/req | load1 | errors |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
for (op, conc), rs in groups.items():
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"| {op} | {conc} | {len(rs)} | {med('rps'):.0f} | {med('p50_ms'):.2f} | {med('p99_ms'):.2f} "
          f"| {max(float(r['peak_rss_mib']) for r in rs):.1f} | {med('server_cpu_ms_per_req'):.2f} "
          f"| {' '.join(r['load1'] for r in rs)} "
          f"| {' '.join(r['errors'] for r in rs)} |")
PY
