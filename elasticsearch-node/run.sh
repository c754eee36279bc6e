#!/usr/bin/env bash
# Starts a local single-node Elasticsearch from Maven Central jars (no download site, no Docker), in the foreground;
# Ctrl-C stops it. Then run CareLedger with --careledger.search.elasticsearch.url=http://127.0.0.1:<port>.
#   elasticsearch-node/run.sh [--port 9200] [--home data/elasticsearch]
# Runs as root too (the node is built through the server's own node construction, not bin/elasticsearch).
# For a real cluster: docs/operations.md, "Elasticsearch".
set -euo pipefail
cd "$(dirname "$0")/.."
port=9200
home=data/elasticsearch
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --home) home="$2"; shift 2 ;;
    *) echo "usage: elasticsearch-node/run.sh [--port 9200] [--home data/elasticsearch]" >&2; exit 2 ;;
  esac
done
if [ ! -f elasticsearch-node/target/classes/careledger/elasticsearch-node.classpath ]; then
  mvn -B -q -pl elasticsearch-node compile
fi
cp="elasticsearch-node/target/classes:$(cat elasticsearch-node/target/classes/careledger/elasticsearch-node.classpath)"
mkdir -p "$home"
exec java -Xms1g -Xmx1g -Dlog4j2.disable.jmx=true -cp "$cp" org.elasticsearch.node.CareLedgerElasticsearch \
  "$home" "$port" 0
