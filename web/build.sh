#!/usr/bin/env bash
# Builds the web application into the api module's classes (static/), run by Maven (api/pom.xml, exec-maven-plugin)
# in generate-resources; `build.sh test` runs the front-end unit tests (Maven's test phase).
# Needs the machine's Node.js (20 or later) and npm; dependencies come from package-lock.json (npm ci), reinstalled
# only when the lock file changes.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "CareLedger's web UI needs Node.js 20+ and npm on the PATH to build (e.g. apt-get install nodejs npm); neither was found." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "CareLedger's web UI needs Node.js 20 or later to build; found $(node --version)." >&2
  exit 1
fi
lock=$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "node_modules/.stamp-$lock" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "node_modules/.stamp-$lock"
fi
if [ "${1:-build}" = test ]; then
  npm test --silent
else
  npm run build --silent
fi
