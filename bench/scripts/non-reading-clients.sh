#!/usr/bin/env bash
# Non-reading clients: a broker with a 512 MiB heap serves CLIENTS clients that never read their socket (half publish
# unroutable mandatory messages as fast as they can, half consume a backlog without reading) while a control client
# publishes and consumes; reports the control client's worst gap and the broker's peak resident memory. Bounded by
# SECONDS; traffic goes to 127.0.0.1 only. Build first:
#   mvn -B -o -q -pl amqp-codec,exchange,persistence,broker-core,management-ui,broker-server,bench package -DskipTests
#
#   bash bench/scripts/non-reading-clients.sh [CLIENTS] [SECONDS]        (defaults: 20 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS=${1:-20}
SECONDS_TO_RUN=${2:-30}
PORT=${PORT:-$((6000 + RANDOM % 1000))}
WORK=${WORK:-$(mktemp -d /tmp/warren-non-reading.XXXXXX)}
JAR=${JAR:-broker-server/target/warren.jar}
BROKER_PID=

cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

java -Xmx512m ${BROKER_JAVA_OPTS:-} -jar "$JAR" --amqp-port "$PORT" --http-port 0 --prometheus-port 0 --data-dir "$WORK/data" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 150); do
  grep -q "listening on" "$WORK/broker.log" && break
  kill -0 "$BROKER_PID" || { echo "broker died"; tail -n 30 "$WORK/broker.log"; exit 1; }
  sleep 0.2
done
echo "broker $BROKER_PID on port $PORT, work dir $WORK; $CLIENTS non-reading clients for $SECONDS_TO_RUN s"

( peak=0
  while kill -0 "$BROKER_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$WORK/peak-rss"
    sleep 0.5
  done ) &
SAMPLER=$!

timeout $((SECONDS_TO_RUN + 120)) java -cp bench/target/benchmarks.jar io.warren.bench.net.NonReadingClients \
  "$PORT" "$CLIENTS" "$SECONDS_TO_RUN" 2>&1 | grep -v '^SLF4J'

echo "broker peak resident memory: $(( $(cat "$WORK/peak-rss" 2>/dev/null || echo 0) / 1024 )) MiB"
grep -c "resource limit alarm set" "$WORK/broker.log" | sed 's/^/memory or disk alarms raised: /'
cleanup; BROKER_PID=
kill "$SAMPLER" 2>/dev/null || true
rm -rf "$WORK/data"
