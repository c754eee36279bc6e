#!/usr/bin/env bash
# The crash test's long run (issue 13, docs/reliability.md): the real application in a child JVM killed with SIGKILL
# under concurrent write and read load KILLS times (default 100), checked after every restart.
# Usage: ops/crash-test.sh [KILLS] [SEED]   (takes about 30 s per kill on 2 cores; figures in api/target/crash-report.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${1:-100}"
SEED="${2:-20261202}"
MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}" mvn -o -B -q -pl api -am verify -Dcareledger.web.skip=true \
  -Dtest=CrashUnderLoadTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcareledger.crash.kills="$KILLS" -Dcareledger.crash.seed="$SEED"
cat api/target/crash-report.txt
