#!/usr/bin/env bash
# The stream replay benchmark: a fresh broker (-Xmx1g, HEAP= to change) on a free port gets COUNT messages of SIZE
# bytes appended to one stream with pipelined confirms (phase "publish"); then one consumer reads them all from
# 'first' while a second follows at 'next' what a paced publisher keeps appending (phase "replay"). The broker's
# resident memory and heap are sampled every SAMPLE seconds into $WORK/samples.csv, with the live heap (after a
# full GC forced by jcmd) every LIVE_EVERY seconds; min/max/last are printed per phase. The data directory is
# removed at the end. Build first:
#   mvn -q -o -pl broker-server,bench -am package -DskipTests
#
#   bash bench/scripts/stream-replay.sh [COUNT] [SIZE]        (defaults: 10000000 1024)
#
# More settings through the environment: PUBLISHERS (2), WINDOW (10000), PREFETCH (2000), ACK_EVERY (500),
# FOLLOW_RATE (msg/s appended during the replay, 2000), SAMPLE (3), LIVE_EVERY (60; 0 for never), BROKER_FLAGS,
# WORK (a directory for the data, logs and samples; default a new one under /tmp, removed at the end unless
# KEEP=1; the data directory in it is always removed).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/lib/broker.sh
COUNT=${1:-10000000}
SIZE=${2:-1024}
HEAP=${HEAP:-1g}
SAMPLE=${SAMPLE:-3}
LIVE_EVERY=${LIVE_EVERY:-60}
JAR=${JAR:-broker-server/target/warren.jar}
BENCH_JAR=${BENCH_JAR:-bench/target/benchmarks.jar}
OWN_WORK=
if [ -z "${WORK:-}" ]; then WORK=$(mktemp -d /tmp/warren-stream-replay.XXXXXX); OWN_WORK=1; fi
mkdir -p "$WORK"

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
PORT=${PORT:-}
if [ -z "$PORT" ]; then
  for _ in $(seq 1 50); do
    PORT=$((6000 + RANDOM % 3000))
    port_free "$PORT" && break
  done
fi

# about 60 bytes of framing and properties per record, 10% for the messages appended during the replay
need_mb=$(( COUNT * (SIZE + 60) * 11 / 10 / 1000000 + 2000 ))
free_mb=$(df -Pm "$WORK" | awk 'NR==2 {print $4}')
echo "needs about $need_mb MB under $WORK, $free_mb MB free"
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "not enough free disk under $WORK (WORK= to put it elsewhere)"
  exit 1
fi

# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "${SAMPLER_PID:-}" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [ -n "${WATCHER_PID:-}" ]; then kill "$WATCHER_PID" 2>/dev/null || true; fi
  stop_broker # removes $WORK/data
  if [ -n "$OWN_WORK" ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# every SAMPLE s: time, phase, RSS, heap in use (garbage included), old generation in use, heap committed (KiB);
# every LIVE_EVERY s also the old generation right after a forced full GC (the live set)
sample() {
  local last_live=$SECONDS live
  echo "epoch,phase,rss_kib,heap_used_kib,old_used_kib,heap_committed_kib,live_heap_kib" >"$WORK/samples.csv"
  while kill -0 "$BROKER_PID" 2>/dev/null; do
    live=
    if [ "$LIVE_EVERY" -gt 0 ] && [ $((SECONDS - last_live)) -ge "$LIVE_EVERY" ]; then
      jcmd "$BROKER_PID" GC.run >/dev/null 2>&1 || true
      # a full GC leaves everything live in the old generation; the young one refills within milliseconds
      live=$(jstat -gc "$BROKER_PID" 2>/dev/null | awk 'NR==2 {printf "%d", $8}')
      last_live=$SECONDS
    fi
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status 2>/dev/null || echo 0)
    heap=$(jstat -gc "$BROKER_PID" 2>/dev/null | awk 'NR==2 {printf "%d,%d,%d", $3+$4+$6+$8, $8, $1+$2+$5+$7}')
    [ -n "$heap" ] && echo "$(date +%s),$(cat "$WORK/phase" 2>/dev/null || echo start),$rss,$heap,$live" \
      >>"$WORK/samples.csv"
    sleep "$SAMPLE"
  done
}

report() {
  awk -F, 'NR > 1 {
      p = $2; if (!(p in n)) order[++phases] = p; n[p]++
      for (i = 3; i <= 7; i++) {
        if ($i == "") continue
        if (!((p, i) in mn) || $i < mn[p, i]) mn[p, i] = $i
        if ($i > mx[p, i]) mx[p, i] = $i
        last[p, i] = $i
      }
    }
    END {
      split("rss_kib,heap_used_kib,old_used_kib,heap_committed_kib,live_heap_kib", names, ",")
      split("RSS,heap in use (with garbage),old gen in use,heap committed,live heap (after full GC)", label, ",")
      for (k = 1; k <= phases; k++) {
        p = order[k]; printf "%s (%d samples):\n", p, n[p]
        for (i = 3; i <= 7; i++)
          if ((p, i) in mn) printf "  %-30s min %6.0f  max %6.0f  last %6.0f MiB\n", label[i-2], mn[p, i]/1024, mx[p, i]/1024, last[p, i]/1024
      }
    }' "$WORK/samples.csv"
}

# the broker's GC pauses and safepoints, with wall-clock times, to set beside a stalled consumer
BROKER_JAVA_OPTS="${BROKER_JAVA_OPTS:-} -Xlog:gc,safepoint:file=$WORK/gc.log:time,uptime"
echo "start" >"$WORK/phase"
# BROKER_FLAGS holds several flags: split on spaces on purpose
# shellcheck disable=SC2086
start_broker "$HEAP" ${BROKER_FLAGS:-}
echo "broker $BROKER_PID on port $PORT (-Xmx$HEAP), work dir $WORK; load: $(uptime | sed 's/.*load average/load average/')"
sample &
SAMPLER_PID=$!
sleep "$SAMPLE"

# whenever the follower falls behind, a thread dump of the broker (kept with KEEP=1) shows what its threads do
watch_stalls() {
  tail -n +1 -F --pid="$BROKER_PID" "$WORK/bench.log" 2>/dev/null | while read -r line; do
    case $line in
      *"follower behind"*) jcmd "$BROKER_PID" Thread.print >"$WORK/stall-$(date +%H%M%S).txt" 2>&1 || true ;;
    esac
  done
}
: >"$WORK/bench.log"
watch_stalls &
WATCHER_PID=$!

status=0
if ! java -Xmx1g -cp "$BENCH_JAR" io.warren.bench.stream.StreamReplayBenchmark --uri "amqp://guest:guest@127.0.0.1:$PORT" \
  --count "$COUNT" --size "$SIZE" --publishers "${PUBLISHERS:-2}" --window "${WINDOW:-10000}" \
  --prefetch "${PREFETCH:-2000}" --ack-every "${ACK_EVERY:-500}" --follow-rate "${FOLLOW_RATE:-2000}" \
  --phase-file "$WORK/phase" 2>&1 | grep --line-buffered -v '^SLF4J' | tee "$WORK/bench.log"; then
  status=1
fi

kill "$WATCHER_PID" 2>/dev/null || true
du -sh "$WORK/data" 2>/dev/null | sed 's/^/on disk: /' || true
sleep "$SAMPLE"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
echo "broker memory per phase (samples in $WORK/samples.csv):"
report
echo "broker peak RSS: $(peak_rss_mib) MiB"
grep -oE "Pause [A-Za-z]+ .* ([0-9.]+)ms$" "$WORK/gc.log" | awk '{t = $NF; sub("ms", "", t); t += 0; n++; s += t; if (t > m) {m = t; w = $0}}
  END {if (n) printf "broker GC pauses: %d, %.1f s in all, longest %.0f ms (%s)\n", n, s / 1000, m, w}' || true
awk '/Safepoint "/ {for (i = 1; i <= NF; i++) if ($i == "Total:") {t = $(i + 1) / 1e6; if (t > m) {m = t; w = $0}}}
  END {if (m) printf "longest safepoint: %.0f ms (%s)\n", m, w}' "$WORK/gc.log" || true
grep -c OutOfMemoryError "$WORK/broker.log" | sed 's/^/OutOfMemoryError lines in the broker log: /' || true
grep -E " (ERROR|WARN) " "$WORK/broker.log" | head -n 5 || true
if kill -0 "$BROKER_PID" 2>/dev/null; then echo "broker still running"; else echo "BROKER DIED"; status=1; fi
exit "$status"
