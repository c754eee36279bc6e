#!/usr/bin/env bash
# Builds the class-data-sharing form of the jar that the README's first command runs (ADR 29):
#   TARGET/careledger-app/careledger.jar  the jar in Spring Boot's extracted layout (its libraries in lib/ beside it)
#   TARGET/careledger-app/careledger.jsa  the JVM's archive of the classes a start loads, parsed and verified once
# The archive is written by one training start on a throwaway data directory that exits as soon as the application
# context is up (spring.context.exit=onRefresh: no port bound, no demo loaded). Spring ends that JVM with a halt, as if
# it were killed, so the embedded PostgreSQL the start left behind is stopped here (fast shutdown) before the data
# directory goes.
# A failure here does not fail the build: the fat jar is untouched, and the extracted jar runs without an archive
# (the JVM says so in one warning line and starts a few seconds slower).
set -uo pipefail
target=${1:?usage: cds-archive.sh TARGET_DIR}
target=$(cd "$target" && pwd)
app=$target/careledger-app
log=$target/cds-archive.log
fail() { echo "cds-archive: $1; the extracted jar runs without an archive (see $log)" >&2; exit 0; }

rm -rf "$app"
java -Djarmode=tools -jar "$target/careledger.jar" extract --destination "$app" >"$log" 2>&1 \
  || fail "extracting the jar failed"
work=$(mktemp -d)
trap 'pkill -KILL -f "postgres -D $work/" 2>/dev/null; rm -rf "$work"' EXIT
(cd "$work" && java -XX:ArchiveClassesAtExit="$app/careledger.jsa" -Xlog:cds=error -Xlog:cds+dynamic=error \
  -Dspring.context.exit=onRefresh -jar "$app/careledger.jar" --server.port=0 \
  --careledger.embedded-db.durable=false) >>"$log" 2>&1 || fail "the training start failed"
pkill -INT -f "postgres -D $work/" 2>/dev/null
for _ in $(seq 1 100); do pgrep -f "postgres -D $work/" >/dev/null || break; sleep 0.1; done
[ -s "$app/careledger.jsa" ] || fail "the training start wrote no archive"
