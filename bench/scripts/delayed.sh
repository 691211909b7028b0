#!/usr/bin/env bash
# The delayed-message benchmark: a broker (heap XMX, default 512m) takes COUNT persistent messages of SIZE bytes
# into a durable x-delayed-message exchange, with delays spread evenly over MIN..MAX ms. While they all wait, the
# broker's heap after a full GC and its resident memory are measured (against the same before publishing); then a
# consumer on the bound queue reports how late each message fired (receive time minus due time). Build first:
# mvn -q -o package -DskipTests
#
#   bash bench/scripts/delayed.sh [COUNT] [SIZE] [MIN_MS] [MAX_MS]     (defaults: 1000000 100 60000 120000)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000000}
SIZE=${2:-100}
MIN=${3:-60000}
MAX=${4:-120000}
XMX=${XMX:-512m}
PORT=${PORT:-5680}
HTTP=${HTTP:-15680}
WORK=${WORK:-$(mktemp -d /tmp/warren-delayed.XXXXXX)}
DATA="$WORK/data"
JAR=broker-server/target/warren.jar
TOOL="java -Xmx1g -cp bench/target/benchmarks.jar io.warren.bench.delayed.DelayedBenchmark"

java -Xmx"$XMX" -jar "$JAR" --amqp-port "$PORT" --http-port "$HTTP" --prometheus-port 0 --data-dir "$DATA" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
trap 'kill "$BROKER_PID" 2>/dev/null || true' EXIT
until grep -q "listening on" "$WORK/broker.log"; do
  kill -0 "$BROKER_PID" || { echo "broker died"; tail -n 30 "$WORK/broker.log"; exit 1; }
  sleep 0.2
done
echo "work dir $WORK; broker $BROKER_PID with -Xmx$XMX; $COUNT messages of $SIZE B, delays $MIN..$MAX ms"

# heap in use right after a full GC (KiB, from jstat's used columns) and resident memory (KiB)
measure() {
  jcmd "$BROKER_PID" GC.run >/dev/null
  sleep 1
  local heap rss
  heap=$(jstat -gc "$BROKER_PID" | awk 'NR==2 {printf "%d", $3+$4+$6+$8}')
  rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status)
  echo "$1: heap after full GC $((heap / 1024)) MiB, RSS $((rss / 1024)) MiB"
}

# every second: the largest RSS seen, for the report
( while kill -0 "$BROKER_PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status; sleep 1; done \
  >"$WORK/rss.txt" 2>/dev/null ) &

measure "idle broker"
$TOOL "$PORT" "$COUNT" "$SIZE" "$MIN" "$MAX" 2>&1 | grep --line-buffered -v '^SLF4J' | while IFS= read -r line; do
  echo "$line"
  if [[ "$line" == "all confirmed"* ]]; then
    sleep 3
    measure "all $COUNT pending"
    curl -s -u guest:guest "http://127.0.0.1:$HTTP/api/exchanges/%2F/bench.delayed" \
      | grep -o '"messages_delayed":[0-9]*' | sed 's/^/management API: /'
    curl -s -u guest:guest "http://127.0.0.1:$HTTP/api/exchanges/%2F/bench.delayed/delayed?limit=1" \
      | cut -c1-300 | sed 's/^/soonest: /'
    du -sh "$DATA/messages" | sed 's/^/on disk: /'
  fi
  # once, when about half have fired: what the buckets being loaded and fired cost
  if [[ "$line" == "received "*" of "* && ! -e "$WORK/measured-firing" ]]; then
    got=$(echo "$line" | awk '{gsub(",", "", $2); print $2}')
    if (( got * 2 >= COUNT )); then
      touch "$WORK/measured-firing"
      measure "while firing ($got received)"
    fi
  fi
done
measure "after firing"
sort -n "$WORK/rss.txt" | tail -1 | awk '{printf "max RSS during the run: %d MiB\n", $1 / 1024}'
grep -c OutOfMemoryError "$WORK/broker.log" | sed 's/^/OutOfMemoryError lines in the broker log: /' || true
[ -n "${KEEP:-}" ] || rm -rf "$DATA"
