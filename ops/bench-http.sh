#!/usr/bin/env bash
# HTTP benchmark of a running CareLedger (issue 10): recording an entry, opening a 200-entry record and its FHIR
# $everything export, with 1 client and with 16, as a new user would (gzip accepted, as browsers and FHIR clients do).
# Needs: curl, python3, a server with the development identity provider and the demo directory (seed 42: user `gp`
# works at Y01211), e.g.
#   java -jar api/target/careledger.jar --server.port=18200 --careledger.dev-idp.enabled=true \
#        --careledger.demo.patients=20 --careledger.embedded-db.data-dir=./data/bench-http
# then:  B=http://127.0.0.1:18200 ops/bench-http.sh [requests-per-client]
# It registers 17 new test-range patients (one with 200 entries, 16 for the concurrent writers) in that ledger.
# Prints a Markdown table: latency is curl's time_total per request (connection reused within a client). A warm-up
# (WARMUP requests of each kind on its own patient, default 1000, 0 for none; more does not fit in one curl command
# line) runs first and is not measured: on 2 cores the HTTP stack is still being compiled after a few hundred
# requests (docs/benchmarks.md, "bench-http").
# For HTTP against the same calls in process, in one JVM, use `careledger bench-http` instead.
set -euo pipefail
B=${B:-http://127.0.0.1:18200}
N=${1:-50}
ENTRIES=${ENTRIES:-200}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

. "$(dirname "$0")/http-common.sh"

GP=$(token gp)
AUTH="Authorization: Bearer $GP"
register() {
  curl -sf -o /dev/null -X POST -H "$AUTH" -H 'Content-Type: application/json' "$B/api/patients/$1" -d '{"demographics":
    {"givenName":"Bench","familyName":"Http","birthDate":"1970-01-02","gender":"UNKNOWN",
     "address":{"line1":"1 High Street","town":"South Moor","postcode":"SM1 1AA"}}}'
}
ENTRY='{"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"271649006"},"displayTerm":"Systolic blood pressure","value":{"value":128,"unit":"mm[Hg]"},"effectiveDate":"2024-01-01"}}'
FMT='%{http_code} %{time_total} %{size_download}\n'

# $1 = label, $2 = clients, $3 = file of "code seconds bytes" lines, $4 = wall seconds
summarise() {
  python3 - "$1" "$2" "$3" "$4" <<'EOF'
import sys
label, clients, path, wall = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
rows = [l.split() for l in open(path) if l.strip()]
bad = [r for r in rows if not r[0].startswith("2")]
t = sorted(float(r[1]) * 1000 for r in rows)
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
size = sum(int(r[2]) for r in rows) / len(rows)
print(f"| {label} | {clients} | {len(rows)} | {p(0.5):.1f} | {p(0.95):.1f} | {p(0.99):.1f} | {len(rows) / wall:.1f} "
      f"| {size / 1024:.1f} | {len(bad)} |")
EOF
}

run() { # $1 label, $2 clients, $3 command producing curl config for one client ($client as arg)
  local label=$1 clients=$2 out="$WORK/$1-$2" start end
  start=$(date +%s.%N)
  for c in $(seq 1 "$clients"); do ( $3 "$c" > "$out.$c" ) & done
  wait
  end=$(date +%s.%N)
  cat "$out".* > "$out"
  summarise "$label" "$clients" "$out" "$(python3 -c "print($end - $start)")"
}

# one client's requests as ONE curl process (keeps its connection, as a browser would)
record_entries() { # $1 client number: writes to its own patient
  local patient=${WRITERS[$1]} args=()
  for _ in $(seq 1 "$PER"); do
    args+=(-X POST -H "$AUTH" -H 'Content-Type: application/json' -d "$ENTRY" -o /dev/null -w "$FMT"
           "$B/api/patients/$patient/entries" --next)
  done
  curl -s "${args[@]}" -o /dev/null -w "$FMT" -X POST -H "$AUTH" -H 'Content-Type: application/json' -d "$ENTRY" \
       "$B/api/patients/$patient/entries"
}
get_many() { # $1 client, $URL
  local args=()
  for _ in $(seq 2 "$N"); do args+=(--compressed -H "$AUTH" -o /dev/null -w "$FMT" "$URL" --next); done
  curl -s "${args[@]}" --compressed -H "$AUTH" -o /dev/null -w "$FMT" "$URL"
}

# warm-up (not measured): the JIT compiles the hot paths during the first few hundred requests of each kind, so the
# measured rows describe a server that has been running, as a clinic's would be
WARM=$(nhs); register "$WARM"
WARMUP=${WARMUP:-1000}
if [ "$WARMUP" -gt 0 ]; then
  WRITERS=("" "$WARM"); PER=$((WARMUP - 1)); record_entries 1 > /dev/null
  for URL in "$B/api/patients/$WARM/record?purpose=DIRECT_CARE" "$B/fhir/Patient/$WARM/\$everything?purpose=DIRECT_CARE" \
             "$B/api/whoami"; do
    ( N=$WARMUP; get_many 1 > /dev/null )
  done
fi
BIG=$(nhs); register "$BIG"
WRITERS=("")
for c in $(seq 1 16); do p=$(nhs); register "$p"; WRITERS+=("$p"); done
echo "server: $B; requests per client: $N; record of $ENTRIES entries: $BIG"
echo "| request | clients | requests | p50 ms | p95 ms | p99 ms | requests/s | KB on the wire | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
WRITERS[1]=$BIG; PER=$((ENTRIES - 1))
run "record an entry (the 200-entry record)" 1 record_entries
WRITERS[1]=$(nhs); register "${WRITERS[1]}"; PER=$((N - 1))
run "record an entry" 16 record_entries
URL="$B/api/patients/$BIG/record?purpose=DIRECT_CARE"
run "open record (200 entries)" 1 get_many
run "open record (200 entries)" 16 get_many
URL="$B/fhir/Patient/$BIG/\$everything?purpose=DIRECT_CARE"
run "FHIR \$everything (200 entries)" 1 get_many
run "FHIR \$everything (200 entries)" 16 get_many
URL="$B/api/whoami"
run "whoami (sign-in and JSON only)" 1 get_many
