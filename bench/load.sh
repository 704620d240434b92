#!/usr/bin/env bash
# Load test: the release server on PostgreSQL with synthetic data, driven over HTTP by wrk, beside
# the database's own floor for each read (the best hand-written SQL, through pgbench).
#
#   bench/load.sh                      # build, seed once, run every operation at 1, 16, 64
#   OPERATIONS="list detail" RUNS=5 DURATION=20s bench/load.sh
#   MODES=executed bench/load.sh       # only with the response and count caches off
#   RESEED=1 bench/load.sh             # drop and regenerate the database first
#   SEED_ONLY=1 bench/load.sh          # create and seed the database, run nothing
#   PROFILE=1 OPERATIONS=detail RUNS=1 bench/load.sh   # also record a perf profile of each run
#                                      (by library, by symbol and by crate: bench/perf_crates.py)
#
# Every read (list, filtered, search, longtail, detail, pipeline) runs once per mode in MODES:
# `shipped` (the server's defaults: response and count caches on) and `executed`
# (RESPONSE_CACHE_SECONDS=0 COUNT_CACHE_SECONDS=0, every request executed); the server is
# restarted between modes. Writes (create, apply) run in the shipped pass only. `longtail` is a
# wrk run per class of search (bench/longtail.py: common, rare, two_words, three_words, prefix,
# accented), each over its own distinct searches. With FLOOR=1 (the default) each read is
# followed, in the executed pass, by its SQL floor: bench/floor/OP.sql through pgbench at the
# same concurrency and duration.
#
# Prints, for each operation, mode and concurrency, the median of RUNS runs: requests per
# second, p50 and p99 latency, the server's peak RSS during the run (VmHWM, reset before each
# run), its CPU per request, the floor's transactions per second and latency, and req/s over
# the floor's tps. Every run is kept in $OUT/runs.tsv and $OUT/floors.tsv, wrk's own output in
# $OUT/wrk/, pgbench's in $OUT/pgbench/. See BENCHMARKS.md.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1   # bench/longtail.py is imported, not compiled into the tree

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
OPERATIONS=${OPERATIONS:-list filtered search longtail detail pipeline create apply}
MODES=${MODES:-shipped executed}
FLOOR=${FLOOR:-1}
# Distinct searches per long-tail class (six classes).
LONGTAIL_PER_CLASS=${LONGTAIL_PER_CLASS:-200}
LONGTAIL_CLASSES=${LONGTAIL_CLASSES:-common rare two_words three_words prefix accented}
BIND=${BIND:-127.0.0.1:8088}
POOL=${POOL:-10}
OUT=${OUT:-$ROOT/target/bench}
CANDIDATES=${CANDIDATES:-64}
BIN=${BIN:-$ROOT/target/release/jobboard}

export JWT_SECRET=${JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
export WEBHOOK_SECRET_KEY=${WEBHOOK_SECRET_KEY:-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}
export JWT_ISSUER=jobboard JWT_AUDIENCE=jobboard-api
# Production requires a mail server; nothing listens there, so mails (apply's notices) stay in
# the outbox.
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:2525} MAIL_FROM=${MAIL_FROM:-Bench <bench@jobboard.invalid>}
# One load generator on one address: the per-client rate limit would answer 429s, not measure.
export RATE_LIMIT_OPERATIONS_PER_MINUTE=${RATE_LIMIT_OPERATIONS_PER_MINUTE:-0}
unset DATABASE_MAX_CONNECTIONS LOG_STATEMENTS RESPONSE_CACHE_SECONDS COUNT_CACHE_SECONDS

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
for tool in wrk psql pgbench python3 curl; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    case $tool in
      psql|pgbench) pkg=postgresql-client ;;
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

# --- the server ------------------------------------------------------------------------------
SERVER=
# Starts the server for a mode: `shipped` keeps its defaults, `executed` turns the response and
# count caches off so that every request is executed.
start_server() {
  local mode=$1 caches=()
  [[ $mode == executed ]] && caches=(RESPONSE_CACHE_SECONDS=0 COUNT_CACHE_SECONDS=0)
  log "starting the server on $BIND (pool $POOL, $mode${caches[*]:+: ${caches[*]}})"
  env "${caches[@]}" APP_ENV=production PUBLIC_URL="http://$BIND" DATABASE_URL="$DATABASE_URL" \
    BIND_ADDR="$BIND" DATABASE_MAX_CONNECTIONS="$POOL" RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" serve >>"$OUT/server-$mode.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do
    curl -fsS "http://$BIND/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { tail -3 "$OUT/server-$mode.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS "http://$BIND/ready" >/dev/null
}
stop_server() {
  if [[ -n $SERVER ]]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}
trap stop_server EXIT

# --- inputs ----------------------------------------------------------------------------------
gid() { python3 -c 'import base64,sys; [print(base64.urlsafe_b64encode(f"Vacancy:{l.strip()}".encode()).decode().rstrip("=")) for l in sys.stdin if l.strip()]'; }
# Tokens are minted with the server's secret; `token` in development creates the recruiter
# account once when the organisation has none.
mint() { APP_ENV=development SEED_DEMO_DATA=false DATABASE_URL=$DATABASE_URL RUST_LOG=error "$BIN" token --ttl-minutes 600 "$@"; }
NONCE=$(date -u +%Y%m%d%H%M%S)

prepare_inputs() {
  log "preparing requests and tokens"
  # The detail walk: 20,000 different open notices (fewer on a small database).
  psql_bench -c "SELECT id FROM vacancy WHERE status = 'PUBLISHED' AND closing_at > now() + interval '1 day' ORDER BY random() LIMIT 20000" >"$OUT/data/open-ids.txt"
  gid <"$OUT/data/open-ids.txt" >"$OUT/data/open.txt"
  read -r BUSIEST ORG <<<"$(psql_bench -F ' ' -c "SELECT a.vacancy_id, o.acronym FROM application a JOIN vacancy v ON v.id = a.vacancy_id JOIN organisation o ON o.id = v.organisation_id GROUP BY a.vacancy_id, o.acronym ORDER BY count(*) DESC LIMIT 1")"
  BUSIEST_GID=$(echo "$BUSIEST" | gid)
  RECRUITER=$(mint --role RECRUITER --org "$ORG")

  psql_bench -c "INSERT INTO account (email, password_hash, full_name, role, active, email_verified_at, version, created_at, updated_at)
    SELECT 'bench.$NONCE.' || n || '@bench.jobboard.invalid', '!', 'Bench Candidate ' || n, 'CANDIDATE', true, now(), 1, now(), now()
    FROM generate_series(1, $CANDIDATES) n" >/dev/null
  psql_bench -c "SELECT id FROM account WHERE email LIKE 'bench.$NONCE.%' ORDER BY id" >"$OUT/data/candidates.txt"
  : >"$OUT/data/tokens.txt"
  while read -r id; do
    mint --role CANDIDATE --subject-account "$id" >>"$OUT/data/tokens.txt"
  done <"$OUT/data/candidates.txt"

  python3 - "$ROOT/bench" "$OUT/data" "$BUSIEST_GID" <<'PY'
import json, sys
bench, data, busiest = sys.argv[1:4]
sys.path.insert(0, bench)
from longtail import tsquery
ops = f"{bench}/operations"
def query(name):
    return open(f"{ops}/{name}.graphql").read()
def body(name, variables):
    return json.dumps({"query": query(name), "variables": variables}, separators=(",", ":"))
open(f"{data}/list.jsonl", "w").write(body("list", {"filter": {"openOnly": True}}) + "\n")
# The filtered list (country and grade category), and search with facets. The floor
# (bench/floor/filtered.sql) walks the same 24 combinations.
filters = [{"openOnly": True, "country": c, "gradeCategory": g}
           for c in ["KE", "SN", "MA", "JO", "TH", "CH", "PK", "CO"]
           for g in ["PROFESSIONAL", "GENERAL_SERVICE", "NATIONAL_OFFICER"]]
open(f"{data}/filtered.jsonl", "w").write("".join(body("list", {"filter": f}) + "\n" for f in filters))
words = ["coordinat", "reintegration maroc", "protection", "assistant", "migration",
         "programme officer", "finance", "logistique", "sante", "education"]
searches = [{"openOnly": True, "search": w} for w in words]
open(f"{data}/search.jsonl", "w").write("".join(body("search", {"filter": f}) + "\n" for f in searches))
open(f"{data}/search.tsv", "w").write("".join(f"search\t{n}\t{w}\t{tsquery(w)}\n" for n, w in enumerate(words, 1)))
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
  if [[ " $OPERATIONS " == *" longtail "* ]]; then
    python3 "$ROOT/bench/longtail.py" "$DATABASE_URL" "$ROOT/bench/operations" "$OUT/data" \
      "$LONGTAIL_PER_CLASS"
  else
    : >"$OUT/data/longtail.tsv"
  fi

  # The floors' inputs, in a schema of their own: the detail walk's ids, and every search
  # folded into a tsquery (class `search`: the search operation's ten; then the long-tail classes).
  psql_bench <<SQL
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench_floor;
DROP TABLE IF EXISTS bench_floor.detail, bench_floor.search;
CREATE TABLE bench_floor.detail (k int PRIMARY KEY, id int NOT NULL);
CREATE TABLE bench_floor.search (class text, n int, search text, q text, PRIMARY KEY (class, n));
SQL
  awk '{print NR "\t" $1}' "$OUT/data/open-ids.txt" |
    psql_bench -c "\\copy bench_floor.detail FROM STDIN"
  cat "$OUT/data/search.tsv" "$OUT/data/longtail.tsv" |
    psql_bench -c "\\copy bench_floor.search FROM STDIN"
  psql_bench -c "ANALYZE bench_floor.detail; ANALYZE bench_floor.search"
  DETAIL_COUNT=$(wc -l <"$OUT/data/open-ids.txt")
  log "detail walk: $DETAIL_COUNT different notices$( ((DETAIL_COUNT >= 20000)) || echo " (fewer than 20,000: a small database)")"
  HAS_TSV=$(psql_bench -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'vacancy_search' AND column_name = 'tsv'")
  [[ $HAS_TSV == 1 ]] || log "vacancy_search.tsv is missing (full-text migration not applied): no search floors"
}

# The floors return what the server returns: for the `search` operation's ten searches and the
# first of each long-tail class, the server's totalCount beside the floor's count of matches.
# A difference (a bounded total aside) means the floor's SQL no longer matches as the server does.
check_floors() {
  [[ $FLOOR == 1 && $HAS_TSV == 1 ]] || return 0
  local class n search total floor_total differ=0
  while IFS=$'\t' read -r class n search; do
    total=$(python3 -c 'import json, sys; print(json.dumps({"query": open(sys.argv[1]).read(),
      "variables": {"filter": {"openOnly": True, "search": sys.argv[2]}}}))' \
      "$ROOT/bench/operations/search.graphql" "$search" |
      curl -fsS -H 'Content-Type: application/json' --data-binary @- "http://$BIND/graphql" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["vacancies"]["totalCount"])')
    floor_total=$(psql_bench -c "SELECT count(*) FROM vacancy_search vs JOIN vacancy v ON v.id = vs.vacancy_id
      WHERE vs.tsv @@ to_tsquery('jobboard_search', (SELECT q FROM bench_floor.search WHERE class = '$class' AND n = $n))
        AND v.status = 'PUBLISHED' AND v.closing_at > now()")
    if [[ $total != "$floor_total" ]]; then
      log "floor check: $class \"$search\": the server counts $total, the floor $floor_total"
      differ=$((differ + 1))
    fi
  done < <(psql_bench -F $'\t' -c "SELECT class, n, search FROM bench_floor.search WHERE class = 'search' OR n = 1 ORDER BY class, n")
  log "floor check: $differ of the searches checked count differently from the server"
}

# --- runs ------------------------------------------------------------------------------------
export WRK_DIR=$ROOT/bench/wrk
RUNS_TSV=$OUT/runs.tsv
FLOORS_TSV=$OUT/floors.tsv
RUNS_HEADER=$'time\tmode\toperation\tconcurrency\trun\trps\tp50_ms\tp99_ms\terrors\tpeak_rss_mib\tload1\tserver_cpu_ms_per_req'
if [[ -f $RUNS_TSV && $(head -1 "$RUNS_TSV") != "$RUNS_HEADER" ]]; then
  mv "$RUNS_TSV" "$OUT/runs.before-modes.tsv"   # an earlier layout, without the mode
fi
[[ -f $RUNS_TSV ]] || printf '%s\n' "$RUNS_HEADER" >"$RUNS_TSV"
[[ -f $FLOORS_TSV ]] || printf 'time\toperation\tconcurrency\trun\ttps\tp50_ms\tp99_ms\tfailed\tload1\n' >"$FLOORS_TSV"
mkdir -p "$OUT/pgbench"
APPLY_OFFSET=0

# wrk's latency with its unit, in milliseconds.
ms() { python3 -c 'import sys,re; v,u=re.match(r"([\d.]+)(us|ms|s|m)$", sys.argv[1]).groups(); print(round(float(v)*{"us":0.001,"ms":1,"s":1000,"m":60000}[u], 2))' "$1"; }
seconds() { python3 -c 'import sys,re; v,u=re.match(r"(\d+)([smh]?)$", sys.argv[1]).groups(); print(int(v)*{"":1,"s":1,"m":60,"h":3600}[u])' "$1"; }

# One wrk run of an operation (`longtail:CLASS` for a long-tail class) in a mode.
run() {
  local op=$1 conc=$2 i=$3 mode=$4 threads=$(( $2 < 2 ? 1 : 2 )) script env=()
  case $op in
    list|filtered|search|detail) script=read.lua; env=(BODIES="$OUT/data/$op.jsonl") ;;
    longtail:*) script=read.lua; env=(BODIES="$OUT/data/longtail/${op#longtail:}.jsonl") ;;
    pipeline) script=read.lua; env=(BODIES="$OUT/data/pipeline.jsonl" TOKEN="$RECRUITER") ;;
    create) script=create.lua; env=(BODY="$OUT/data/create.json" TOKEN="$RECRUITER" PREFIX="BENCH/$NONCE/$conc/$i") ;;
    apply) script=apply.lua; env=(BODY="$OUT/data/apply.json" TOKENS="$OUT/data/tokens.txt"
             VACANCIES="$OUT/data/open.txt" CV="$OUT/data/cv.pdf" OFFSET="$APPLY_OFFSET" THREADS="$threads") ;;
  esac
  echo 5 >"/proc/$SERVER/clear_refs" 2>/dev/null || true   # resets VmHWM to the current RSS
  local load1 name=${op/:/-}-$mode-c$conc-r$i
  local file=$OUT/wrk/$name.txt
  load1=$(cut -d' ' -f1 /proc/loadavg)
  local cpu0 cpu1
  cpu0=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  local perf=
  if [[ ${PROFILE:-0} == 1 ]]; then
    mkdir -p "$OUT/perf"
    perf record -q -e cpu-clock -F 999 -g -p "$SERVER" -o "$OUT/perf/$name.data" \
      -- sleep "$(seconds "$DURATION")" 2>/dev/null &
    perf=$!
  fi
  env "${env[@]}" wrk -t"$threads" -c"$conc" -d"$DURATION" --latency -s "$WRK_DIR/$script" \
    "http://$BIND/graphql" >"$file"
  if [[ -n $perf ]]; then
    wait "$perf" || true
    # By library, then by symbol (self time); perf pads its lines to the terminal's width.
    for sort in dso dso,symbol; do
      perf report -q -i "$OUT/perf/$name.data" --no-children --sort "$sort" --stdio \
        -g none --percent-limit 0.7 2>/dev/null | sed 's/[ -]*$//' || true
      echo
    done >"$OUT/perf/$name.txt"
    { echo "by crate (self time):"; perf report -q -i "$OUT/perf/$name.data" --no-children \
        --sort dso,symbol --stdio -g none 2>/dev/null | python3 "$ROOT/bench/perf_crates.py"; } \
      >>"$OUT/perf/$name.txt" || true
  fi
  local rps p50 p99 errors non2xx hwm requests cpu
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
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$mode" "$op" "$conc" "$i" \
    "$rps" "$p50" "$p99" "${errors:-?}${non2xx:+ ($non2xx non-2xx)}" "$hwm" "$load1" "$cpu" | tee -a "$RUNS_TSV" >&2
}

# The SQL floor of a read: bench/floor/OP.sql through pgbench, same concurrency and duration,
# prepared statements, every transaction logged for its latency percentiles.
floor() {
  local op=$1 conc=$2 i=$3 threads=$(( $2 < 2 ? 1 : 2 )) sql=$1 vars=()
  case $op in
    list|filtered) ;;
    detail) vars=(-D count="$DETAIL_COUNT") ;;
    pipeline) vars=(-D vacancy="$BUSIEST") ;;
    search|longtail:*)
      [[ $HAS_TSV == 1 ]] || return 0
      local class=${op#longtail:}
      sql=search
      vars=(-D class="$class" -D count="$(psql_bench -c "SELECT count(*) FROM bench_floor.search WHERE class = '$class'")") ;;
    *) return 0 ;;
  esac
  local prefix=$OUT/pgbench/${op/:/-}-c$conc-r$i load1
  rm -f "$prefix".*
  load1=$(cut -d' ' -f1 /proc/loadavg)
  pgbench -n -M prepared -c "$conc" -j "$threads" -T "$(seconds "$DURATION")" -l \
    --log-prefix="$prefix" -f "$ROOT/bench/floor/$sql.sql" "${vars[@]}" "$DATABASE_URL" \
    >"$prefix.txt" 2>&1 || { log "pgbench failed for $op: $(tail -3 "$prefix.txt")"; return 0; }
  local stats
  stats=$(python3 - "$prefix" <<'PY'
import glob, sys
lat = sorted(int(line.split()[2]) for f in glob.glob(sys.argv[1] + ".[0-9]*") for line in open(f))
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000 if lat else float("nan")
print(f"{pick(0.5):.2f}\t{pick(0.99):.2f}")
PY
)
  rm -f "$prefix".[0-9]*
  local tps failed
  tps=$(awk '/^tps/ {printf "%.1f", $3}' "$prefix.txt")
  failed=$(awk '/number of failed transactions/ {print $5}' "$prefix.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$op" "$conc" "$i" "$tps" \
    "$stats" "${failed:-0}" "$load1" | tee -a "$FLOORS_TSV" >&2
}

# The floors run in the executed pass (or, without one, the first).
FLOOR_MODE=${MODES%% *}
[[ " $MODES " == *" executed "* ]] && FLOOR_MODE=executed

STARTED=$(date -u +%FT%TZ)
for mode in $MODES; do
  start_server "$mode"
  [[ -n ${RECRUITER:-} ]] || { prepare_inputs; check_floors; }
  for op in $OPERATIONS; do
    case $op in
      create|apply) [[ $mode == shipped ]] || continue ;;
    esac
    names=("$op")
    if [[ $op == longtail ]]; then
      names=()
      for class in $LONGTAIL_CLASSES; do names+=("longtail:$class"); done
    fi
    for name in "${names[@]}"; do
      for conc in $CONCURRENCIES; do
        for i in $(seq 1 "$RUNS"); do
          run "$name" "$conc" "$i" "$mode"
          if [[ $FLOOR == 1 && $mode == "$FLOOR_MODE" ]]; then floor "$name" "$conc" "$i"; fi
        done
      done
    done
  done
  stop_server
done

# --- summary ---------------------------------------------------------------------------------
python3 "$ROOT/bench/summary.py" "$RUNS_TSV" "$FLOORS_TSV" "$STARTED"
