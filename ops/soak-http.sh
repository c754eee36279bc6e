#!/usr/bin/env bash
# Memory soak of a running CareLedger over HTTP (issue 10: "no growth over a 10-minute soak"). CLIENTS clients
# (default 8) open records, export them as FHIR and record entries for DURATION seconds (default 600) while, every minute, the
# server's heap is measured after a full GC (jcmd GC.run, the figure from the GC log it turns on with jcmd
# VM.log) and its resident set size read from /proc. Needs curl, python3, jcmd, the server's PID and a server started as for ops/bench-http.sh:
#   PID=<server pid> B=http://127.0.0.1:18200 ops/soak-http.sh
# Prints one Markdown row per minute: requests so far, heap used after full GC, RSS; then the growth between the
# first and the last minute. Non-2xx answers are counted and printed (expected 0).
set -euo pipefail
B=${B:-http://127.0.0.1:18200}
: "${PID:?set PID to the process id of the server}"
SECONDS_TOTAL=${DURATION:-600}
CLIENTS=${CLIENTS:-8}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; kill $(jobs -p) 2>/dev/null || true' EXIT

. "$(dirname "$0")/http-common.sh"
AUTH="Authorization: Bearer $(token gp)"
ENTRY='{"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"271649006"},"displayTerm":"Systolic blood pressure","value":{"value":128,"unit":"mm[Hg]"},"effectiveDate":"2024-01-01"}}'
# the heap after a full GC, from the GC's own log line ("Pause Full (System.gc()) 310M->57M(...)"): reading the heap
# with another jcmd afterwards would count what the running clients allocated in between
jcmd "$PID" VM.log output="file=$WORK/gc.log" output_options=filecount=0 what=gc=info decorators=uptime > /dev/null
heap_after_gc() { # MB used after a full GC
  jcmd "$PID" GC.run > /dev/null
  sleep 1
  grep 'Pause Full' "$WORK/gc.log" | tail -1 | sed -E 's/.*->([0-9]+)M.*/\1/'
}
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$PID/status"; }

END=$(( $(date +%s) + SECONDS_TOTAL ))
client() { # $1 client number: its own patient, growing by one entry per cycle; each cycle = write, open, export
  local p; p=$(nhs)
  curl -sf -o /dev/null -X POST -H "$AUTH" -H 'Content-Type: application/json' "$B/api/patients/$p" -d '{"demographics":
    {"givenName":"Soak","familyName":"Http","birthDate":"1970-01-02","gender":"UNKNOWN",
     "address":{"line1":"1 High Street","town":"South Moor","postcode":"SM1 1AA"}}}'
  while [ "$(date +%s)" -lt "$END" ]; do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "$AUTH" -H 'Content-Type: application/json' -d "$ENTRY" \
         "$B/api/patients/$p/entries" \
         --next --compressed -H "$AUTH" -o /dev/null -w '%{http_code}\n' "$B/api/patients/$p/record?purpose=DIRECT_CARE" \
         --next --compressed -H "$AUTH" -o /dev/null -w '%{http_code}\n' "$B/fhir/Patient/$p/\$everything?purpose=DIRECT_CARE"
  done > "$WORK/client.$1"
}
for c in $(seq 1 "$CLIENTS"); do client "$c" & done

echo "soak: $CLIENTS clients for ${SECONDS_TOTAL} s against $B (server pid $PID)"
echo "| minute | requests so far | non-2xx | heap after full GC MB | RSS MB |"
echo "| --- | --- | --- | --- | --- |"
minute=0; first_heap=""; first_rss=""
while [ "$(date +%s)" -lt "$END" ]; do
  sleep 60; minute=$((minute + 1))
  total=$(cat "$WORK"/client.* 2>/dev/null | wc -l)
  bad=$(cat "$WORK"/client.* 2>/dev/null | grep -vc '^2' || true)
  h=$(heap_after_gc); r=$(rss)
  [ -z "$first_heap" ] && first_heap=$h && first_rss=$r
  echo "| $minute | $total | $bad | $h | $r |"
done
wait
echo "growth from minute 1 to minute $minute: heap after full GC $((h - first_heap)) MB, RSS $((r - first_rss)) MB"
