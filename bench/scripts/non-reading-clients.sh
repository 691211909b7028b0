#!/usr/bin/env bash
# Non-reading clients: a broker with a 512 MiB heap serves CLIENTS clients that never read their socket (half publish
# unroutable mandatory messages as fast as they can, half consume a backlog without reading) while a control client
# publishes and consumes; reports the control client's worst gap and the broker's peak resident memory. Bounded by
# SECONDS; traffic goes to 127.0.0.1 only. Build first:
#   mvn -B -o -q -pl broker-server,bench -am package -DskipTests
#
#   bash bench/scripts/non-reading-clients.sh [CLIENTS] [SECONDS]        (defaults: 20 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/lib/broker.sh
CLIENTS=${1:-20}
SECONDS_TO_RUN=${2:-30}
PORT=${PORT:-$((6000 + RANDOM % 1000))}
WORK=${WORK:-$(mktemp -d /tmp/warren-non-reading.XXXXXX)}
JAR=${JAR:-broker-server/target/warren.jar}
trap stop_broker EXIT

start_broker 512m
echo "broker $BROKER_PID on port $PORT, work dir $WORK; $CLIENTS non-reading clients for $SECONDS_TO_RUN s"

timeout $((SECONDS_TO_RUN + 120)) java -cp bench/target/benchmarks.jar io.warren.bench.net.NonReadingClients \
  "$PORT" "$CLIENTS" "$SECONDS_TO_RUN" 2>&1 | grep -v '^SLF4J'

echo "broker peak resident memory: $(peak_rss_mib) MiB"
grep -c "resource limit alarm set" "$WORK/broker.log" | sed 's/^/memory or disk alarms raised: /' || true
