#!/usr/bin/env bash
# The durability backlog benchmark: a broker with a 512 MiB heap takes COUNT persistent messages of SIZE bytes
# into one durable queue, is killed with SIGKILL, restarts, and hands them all back in order. Heap and resident
# memory of the broker are sampled throughout. Build first: mvn -q -o package -DskipTests
#
#   bash bench/scripts/backlog.sh [COUNT] [SIZE]        (defaults: 10000000 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-10000000}
SIZE=${2:-1024}
PORT=${PORT:-5679}
WORK=${WORK:-$(mktemp -d /tmp/warren-backlog.XXXXXX)}
DATA="$WORK/data"
JAR=broker-server/target/warren.jar
TOOL="java -cp bench/target/benchmarks.jar io.warren.bench.store.BacklogBenchmark"
BROKER_PID=
SAMPLER_PID=

start_broker() {
  local t0 before; t0=$(date +%s.%N); before=$(wc -l <"$WORK/broker.log" 2>/dev/null || echo 0)
  java -Xmx512m -jar "$JAR" --amqp-port "$PORT" --http-port 0 --prometheus-port 0 --data-dir "$DATA" >>"$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  until tail -n +"$((before + 1))" "$WORK/broker.log" | grep -q "listening on"; do
    kill -0 "$BROKER_PID" || { echo "broker died"; tail -n 30 "$WORK/broker.log"; exit 1; }
    sleep 0.2
  done
  echo "broker $BROKER_PID listening after $(echo "$(date +%s.%N) - $t0" | bc) s"
}

# every 2 s: phase, RSS (KiB), heap used after the last GC and committed (KiB) as jstat -gc reports them
sample() {
  local phase=$1
  while kill -0 "$BROKER_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status 2>/dev/null || echo 0)
    heap=$(jstat -gc "$BROKER_PID" 2>/dev/null | awk 'NR==2 {printf "%d %d", $3+$4+$6+$8, $2+$1+$5+$7}')
    echo "$(date +%s) $phase $rss $heap" >>"$WORK/samples.txt"
    sleep 2
  done
}

report() {
  local phase=$1
  awk -v p="$phase" '$2==p {if ($3>r) r=$3; if ($4>h) h=$4; if ($5>c) c=$5}
    END {printf "%s: max RSS %.0f MiB, max heap in use %.0f MiB (garbage included; committed %.0f MiB)\n", p, r/1024, h/1024, c/1024}' \
    "$WORK/samples.txt"
}

touch "$WORK/broker.log"
echo "work dir $WORK; $COUNT messages of $SIZE B"
start_broker
sample publish & SAMPLER_PID=$!
$TOOL publish "$PORT" "$COUNT" "$SIZE" 2>&1 | grep -v '^SLF4J'

du -sh "$DATA/messages" | sed 's/^/on disk: /'
kill -9 "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true
echo "broker killed with SIGKILL"
report publish

start_broker
sample drain & SAMPLER_PID=$!
$TOOL drain "$PORT" "$COUNT" "$SIZE" 2>&1 | grep -v '^SLF4J'

du -sh "$DATA/messages" | sed 's/^/on disk after draining: /'
kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true
report drain
grep -c OutOfMemoryError "$WORK/broker.log" | sed 's/^/OutOfMemoryError lines in the broker log: /' || true
[ -n "${KEEP:-}" ] || rm -rf "$DATA"
