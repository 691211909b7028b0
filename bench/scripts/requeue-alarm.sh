#!/usr/bin/env bash
# The memory alarm after a closing consumer: a broker with a 512 MiB heap (HEAP= to change) gets COUNT persistent
# messages, one consumer takes them all unacked and closes, a control publisher publishes throughout; reports how
# long the control publisher was blocked, whether the alarm cleared, the broker's peak resident memory and how long
# draining took. Traffic goes to 127.0.0.1 only; every phase is bounded. Build first:
#   mvn -B -o -q -pl amqp-codec,exchange,persistence,broker-core,management-ui,broker-server,bench package -DskipTests
#
#   bash bench/scripts/requeue-alarm.sh [COUNT] [BODY_BYTES]        (defaults: 780000 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-780000}
BODY=${2:-12}
PORT=${PORT:-$((6000 + RANDOM % 1000))}
WORK=${WORK:-$(mktemp -d /tmp/warren-requeue-alarm.XXXXXX)}
JAR=${JAR:-broker-server/target/warren.jar}
BROKER_PID=

cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

java -Xmx${HEAP:-512m} ${BROKER_JAVA_OPTS:-} -jar "$JAR" --amqp-port "$PORT" --http-port 0 --data-dir "$WORK/data" \
  >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 150); do
  grep -q "listening on" "$WORK/broker.log" && break
  kill -0 "$BROKER_PID" || { echo "broker died"; tail -n 30 "$WORK/broker.log"; exit 1; }
  sleep 0.2
done
echo "broker $BROKER_PID on port $PORT (-Xmx${HEAP:-512m}), work dir $WORK; $COUNT messages of $BODY bytes"

( peak=0
  while kill -0 "$BROKER_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$WORK/peak-rss"
    sleep 0.5
  done ) &
SAMPLER=$!

timeout 1200 java -cp bench/target/benchmarks.jar io.warren.bench.memory.RequeueAlarm "$PORT" "$COUNT" "$BODY" 2>&1 \
  | grep --line-buffered -v '^SLF4J'

echo "broker peak resident memory: $(( $(cat "$WORK/peak-rss" 2>/dev/null || echo 0) / 1024 )) MiB"
echo "alarm lines in the broker log:"
grep -E "alarm (set|cleared)" "$WORK/broker.log" | sed 's/^/  /' || echo "  none"
kill -0 "$BROKER_PID" 2>/dev/null && echo "broker still running" || echo "BROKER DIED"
cleanup; BROKER_PID=
kill "$SAMPLER" 2>/dev/null || true
rm -rf "$WORK/data"
