#!/usr/bin/env bash
# The many-queues benchmark: a broker (HEAP, default 2g) on 127.0.0.1 gets COUNT non-durable queues, then the management
# API's listings (paged, columns, full and streamed), /api/overview, /metrics and /metrics/per-object are timed
# against them, with the broker's peak RSS during each request and its heap at the end.
# Build first: mvn -q -o -pl amqp-codec,exchange,persistence,broker-core,management-ui,broker-server,bench package -DskipTests
#
#   bash bench/scripts/many-queues.sh [COUNT]        (default 100000; JAR=... to run another broker jar, HEAP=...)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-100000}
PORT=${PORT:-$((6000 + RANDOM % 900))}
HTTP_PORT=$((PORT + 1))
if ss -ltn | grep -Eq ":($PORT|$HTTP_PORT) "; then
  echo "port $PORT or $HTTP_PORT is taken; set PORT to a free one"; exit 1
fi
WORK=$(mktemp -d /tmp/warren-many-queues.XXXXXX)
JAR=${JAR:-broker-server/target/warren.jar}
java -Xmx"${HEAP:-2g}" -jar "$JAR" --amqp-port "$PORT" --http-port "$HTTP_PORT" --prometheus-port 0 --data-dir "$WORK/data" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
stop_broker() {
  kill "$BROKER_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$BROKER_PID" 2>/dev/null || true # a broker deep in garbage collection may not stop in 10 s
  rm -rf "$WORK/data"
}
trap stop_broker EXIT
for _ in $(seq 1 150); do
  grep -aq "management.*listening" "$WORK/broker.log" 2>/dev/null && break
  sleep 0.2
done
# a port taken by another process must stop the run: its requests would go to someone else's broker
if ! grep -aq "management.*listening" "$WORK/broker.log" || grep -aq "BindException" "$WORK/broker.log"; then
  echo "broker did not start on ports $PORT and $HTTP_PORT"; tail -n 5 "$WORK/broker.log"; exit 1
fi
echo "broker $BROKER_PID ($JAR), $COUNT queues, log in $WORK/broker.log"
timeout 1500 java -cp bench/target/benchmarks.jar io.warren.bench.mgmt.ManyQueuesBenchmark \
  "$PORT" "$HTTP_PORT" "$COUNT" "$BROKER_PID" 2>&1 | grep -av '^SLF4J'
jstat -gc "$BROKER_PID" | awk 'NR==2 {printf "broker heap at the end: %.0f MiB in use, %.0f MiB committed\n", ($3+$4+$6+$8)/1024, ($1+$2+$5+$7)/1024}'
grep -ac "OutOfMemoryError\|resource limit alarm set" "$WORK/broker.log" | sed 's/^/OutOfMemoryError or alarm lines in the broker log: /' || true
