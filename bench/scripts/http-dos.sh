#!/usr/bin/env bash
# The adversary's HTTP denial of service, on 127.0.0.1 only and bounded in time (about 3 minutes): 20,000 idle HTTP
# connections held for HOLD seconds, then 12 anonymous 60 MB POST bodies at once, while a control AMQP client
# publishes and consumes every 10 ms and opens a new AMQP connection every 2 s. It reports how the broker treated
# the attackers and the control client's worst gap between deliveries, time blocked by an alarm and failed
# connections. Build first:
#   mvn -B -o -q -pl amqp-codec,exchange,persistence,broker-core,management-ui,broker-server,bench package -DskipTests
#
#   bash bench/scripts/http-dos.sh [JAR]     (default broker-server/target/warren.jar; any older build works too)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${1:-broker-server/target/warren.jar}
IDLE=${IDLE:-20000}          # idle HTTP connections, opened by two processes (a process may hold only ulimit -n)
HOLD=${HOLD:-75}             # seconds they are held (the broker's default idle timeout is 60 s)
POSTS=${POSTS:-12}
MB=${MB:-60}
HEAP=${HEAP:-1g}
AMQP_PORT=${AMQP_PORT:-$((6000 + RANDOM % 900))}
HTTP_PORT=$((AMQP_PORT + 1))
WORK=$(mktemp -d /tmp/warren-http-dos.XXXXXX)
TOOL="java -cp bench/target/benchmarks.jar io.warren.bench.http.HttpDosBenchmark"
# as many descriptors as this shell may have: the broker gets the same limit as the attackers' processes
ulimit -n "$(ulimit -Hn)" || true
echo "jar $JAR; fd limit $(ulimit -n); heap $HEAP; ports $AMQP_PORT/$HTTP_PORT; work dir $WORK"

java -Xmx"$HEAP" -jar "$JAR" --amqp-port "$AMQP_PORT" --http-port "$HTTP_PORT" --prometheus-port 0 --bind 127.0.0.1 \
  --data-dir "$WORK/data" >"$WORK/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; wait $BROKER 2>/dev/null || true' EXIT
until grep -q "listening on http:" "$WORK/broker.log"; do
  kill -0 $BROKER || { tail -20 "$WORK/broker.log"; exit 1; }
  sleep 0.2
done

CONTROL_SECS=$((HOLD + 75))
$TOOL control "$AMQP_PORT" "$CONTROL_SECS" 2>&1 | grep -v '^SLF4J' &
CONTROL=$!
sleep 5
echo "== $IDLE idle HTTP connections, held up to $HOLD s"
$TOOL idle "$HTTP_PORT" $((IDLE / 2)) "$HOLD" 2>&1 | sed 's/^/[a] /' &
A=$!
$TOOL idle "$HTTP_PORT" $((IDLE - IDLE / 2)) "$HOLD" 2>&1 | sed 's/^/[b] /' &
B=$!
wait $A $B
echo "== $POSTS anonymous POSTs of $MB MB at once"
$TOOL post "$HTTP_PORT" "$POSTS" "$MB" 2>&1 | sort -t: -k1,1 -V
wait $CONTROL
echo "broker log: $(grep -c 'Too many open files' "$WORK/broker.log" || true) 'Too many open files' lines, $(grep -c 'refused' "$WORK/broker.log" || true) 'refused' lines, $(grep -ci 'alarm' "$WORK/broker.log" || true) alarm lines"
grep -i 'alarm' "$WORK/broker.log" | head -5 || true
