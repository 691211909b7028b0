#!/usr/bin/env bash
# The memory alarm after a closing consumer: a broker with a 512 MiB heap (HEAP= to change) gets COUNT persistent
# messages, one consumer takes them all unacked and closes, a control publisher publishes throughout; reports how
# long the control publisher was blocked, whether the alarm cleared, the broker's peak resident memory and how long
# draining took. Traffic goes to 127.0.0.1 only; every phase is bounded. Build first:
#   mvn -B -o -q -pl broker-server,bench -am package -DskipTests
#
#   bash bench/scripts/requeue-alarm.sh [COUNT] [BODY_BYTES]        (defaults: 780000 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/lib/broker.sh
COUNT=${1:-780000}
BODY=${2:-12}
PORT=${PORT:-$((6000 + RANDOM % 1000))}
WORK=${WORK:-$(mktemp -d /tmp/warren-requeue-alarm.XXXXXX)}
JAR=${JAR:-broker-server/target/warren.jar}
BENCH_JAR=${BENCH_JAR:-bench/target/benchmarks.jar}
trap stop_broker EXIT

# BROKER_FLAGS: more broker flags, e.g. --memory-high-watermark 0.15 to see the alarm go on and clear
# shellcheck disable=SC2086
start_broker "${HEAP:-512m}" ${BROKER_FLAGS:-}
echo "broker $BROKER_PID on port $PORT (-Xmx${HEAP:-512m}), work dir $WORK; $COUNT messages of $BODY bytes"
timeout 1200 java -cp "$BENCH_JAR" io.warren.bench.memory.RequeueAlarm "$PORT" "$COUNT" "$BODY" 2>&1 \
  | grep --line-buffered -v '^SLF4J'
echo "broker peak resident memory: $(peak_rss_mib) MiB"
echo "alarm lines in the broker log:"
grep -E "alarm (set|cleared)" "$WORK/broker.log" | sed 's/^/  /' || echo "  none"
grep -c "OutOfMemoryError" "$WORK/broker.log" | sed 's/^/OutOfMemoryError lines in the broker log: /' || true
kill -0 "$BROKER_PID" 2>/dev/null && echo "broker still running" || echo "BROKER DIED"
