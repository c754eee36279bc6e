#!/usr/bin/env bash
# Times the README's first run (ADR 29, ADR 37) from an empty data directory: seconds until /actuator/health is UP
# (the demo region loads before the server reports UP), then, with ROUNDS > 0, the first minutes of one client:
# each round opens a demo patient's record 600 times (gzip) and records 200 entries in it, as its registered GP,
# and prints p50 / p95. JVM flags to compare go on the command line, e.g.
#   ops/start-time.sh                              # the default JIT
#   ops/start-time.sh -XX:TieredStopAtLevel=1      # C1 only, as the README runs it
# Run from the project root after `mvn -B -q -DskipTests package`; needs curl and python3, and port 8080 free.
# APP (default api/target/careledger-app) is the extracted jar with its archive; ROUNDS defaults to 0.
set -euo pipefail
app=$(cd "${APP:-api/target/careledger-app}" && pwd)
rounds=${ROUNDS:-0}
B=http://localhost:8080
. "$(dirname "$0")/http-common.sh"
work=$(mktemp -d)
cd "$work"
start=$(date +%s.%N)
java -XX:SharedArchiveFile="$app/careledger.jsa" "$@" -jar "$app/careledger.jar" >server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "$B/actuator/health" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { echo "start-time: the server stopped; its log:" >&2; tail -20 server.log >&2; exit 1; }
  sleep 0.2
done
ready=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
grep -q "Unable to use shared archive" server.log && echo "start-time: the JVM did not use the archive" >&2
echo "flags: ${*:-(none)}; ready in $ready s ($(grep -o 'process running for [0-9.]*' server.log | head -1) at Started)"

stat() { sort -n | awk '{a[NR]=$1} END {printf "p50 %.2f ms, p95 %.2f ms", a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000}'; }
tok=$(token "49c303ee-6153-435a-a996-63055fc78674/GP@Y01913")
body='{"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"271649006"},"displayTerm":"Systolic blood pressure","value":{"value":128,"unit":"mm[Hg]"},"effectiveDate":"2024-01-01"}}'
echo "$body" >entry.json
for r in $(seq 1 "$rounds"); do
  for i in $(seq 600); do
    [ "$i" -gt 1 ] && echo next
    printf 'url = "%s"\noutput = "/dev/null"\nheader = "Authorization: Bearer %s"\nwrite-out = "%%{time_total}\\n"\ncompressed\n' \
      "$B/api/patients/9994638548/record" "$tok"
  done >opens.cfg
  for i in $(seq 200); do
    [ "$i" -gt 1 ] && echo next
    printf 'url = "%s"\noutput = "/dev/null"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "@entry.json"\nwrite-out = "%%{time_total} %%{http_code}\\n"\n' \
      "$B/api/patients/9994638548/entries" "$tok"
  done >entries.cfg
  opens=$(curl -s -K opens.cfg | stat)
  curl -s -K entries.cfg >entries.out
  awk '$2 != 201 {bad++} END {if (bad) {print "start-time: " bad " entries not recorded" > "/dev/stderr"; exit 1}}' entries.out
  echo "round $r: record open $opens; entry $(awk '{print $1}' entries.out | stat)"
done
