#!/usr/bin/env bash
# Many quorum queues on a 3-node cluster: each node's resident memory, threads and open files when idle after
# start, then after COUNT quorum queues (declared round-robin through the three nodes, one persistent message each,
# published with confirms) and a settling pause; for Warren (broker-server/target/warren.jar, scripts/cluster-3.sh)
# and RabbitMQ (Debian's rabbitmq-server, bench/scripts/rabbitmq-cluster-3.sh), one broker at a time.
# Also the nodes' CPU while idle with the queues, over IDLE seconds.
# Build first: mvn -q -o -pl broker-server,bench -am package -DskipTests
#
#   bench/scripts/quorum-many-queues.sh [--count N (1000)] [--brokers warren,rabbitmq] [--idle SECONDS (30)]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=1000 BROKERS=warren,rabbitmq IDLE=30
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --brokers) BROKERS=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
JAR=${WARREN_JAR:-$PWD/broker-server/target/warren.jar}
BENCH_JAR=$PWD/bench/target/benchmarks.jar
for f in "$JAR" "$BENCH_JAR"; do [[ -f $f ]] || { echo "missing $f (build the jars)" >&2; exit 1; }; done
WORK=$(mktemp -d /tmp/quorum-many-queues.XXXXXX)
chmod 755 "$WORK" # RabbitMQ runs as the rabbitmq user and keeps its nodes' directories in here
TICKS=$(getconf CLK_TCK)

warren_pid=''
stop_brokers() {
  if [[ -n $warren_pid ]]; then
    kill -- "-$warren_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$warren_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 -- "-$warren_pid" 2>/dev/null || true
    warren_pid=''
  fi
  [[ -d $WORK/rabbitmq ]] && bench/scripts/rabbitmq-cluster-3.sh stop "$WORK/rabbitmq"
  return 0
}
cleanup() {
  trap - EXIT INT TERM
  stop_brokers
  rm -rf "$WORK"/warren/[abc] "$WORK"/rabbitmq/[123]/mnesia
  echo "logs in $WORK"
}
trap cleanup EXIT INT TERM

listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
uri() { echo "amqp://guest:guest@127.0.0.1:$1"; }
# resident MiB, threads, open files of a process
figures() {
  local pid=$1
  awk '/^VmRSS/ {r = $2} /^Threads/ {t = $2} END {printf "%.0f %d", r / 1024, t}' "/proc/$pid/status"
  printf ' %d\n' "$(ls "/proc/$pid/fd" | wc -l)"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

report() {
  local broker=$1 stage=$2; shift 2
  local names=(a b c) i=0
  for pid in "$@"; do
    read -r rss threads fds < <(figures "$pid")
    printf '%-9s %-14s node %s  RSS %5s MiB  threads %5s  open files %5s\n' "$broker" "$stage" "${names[$i]}" \
      "$rss" "$threads" "$fds"
    i=$((i + 1))
  done
}

idle_cpu() {
  local broker=$1; shift
  local t0=() t1=() i
  for pid in "$@"; do t0+=("$(cpu_ticks "$pid")"); done
  sleep "$IDLE"
  for pid in "$@"; do t1+=("$(cpu_ticks "$pid")"); done
  for i in "${!t0[@]}"; do
    awk -v d=$((t1[i] - t0[i])) -v hz="$TICKS" -v s="$IDLE" -v b="$broker" -v n="$i" \
      'BEGIN { printf "%-9s idle, queues  node %s  CPU %.1f%% of a core over %d s\n", b, substr("abc", n + 1, 1), d / hz / s * 100, s }'
  done
}

for broker in ${BROKERS//,/ }; do
  case $broker in
    warren)
      WARREN_JAR=$JAR setsid scripts/cluster-3.sh "$WORK/warren" >"$WORK/warren.out" 2>&1 &
      warren_pid=$!
      for _ in $(seq 1 180); do grep -q "Ctrl-C stops the cluster" "$WORK/warren.out" && break; sleep 1; done
      grep -q "Ctrl-C stops the cluster" "$WORK/warren.out" || { echo "the Warren cluster did not start" >&2; exit 1; }
      ports=()
      for n in a b c; do
        ports+=("$(awk -v n="$n" '$1 == n && $2 ~ /^amqp/ {sub(/.*:/, "", $2); print $2}' "$WORK/warren.out")")
      done
      ;;
    rabbitmq)
      bench/scripts/rabbitmq-cluster-3.sh start "$WORK/rabbitmq" 3 >/dev/null
      mapfile -t ports < <(awk '{print $2}' "$WORK/rabbitmq/nodes")
      ;;
    *) echo "unknown broker $broker" >&2; exit 2 ;;
  esac
  pids=()
  for p in "${ports[@]}"; do pids+=("$(listener_pid "$p")"); done
  # the first quorum queue waits for Warren's shards to form; it is deleted again
  java -cp "$BENCH_JAR" io.warren.bench.cluster.BenchQueue "$(uri "${ports[0]}")" bench-first quorum 2>&1 | grep -v '^SLF4J' || true
  java -cp "$BENCH_JAR" io.warren.bench.cluster.BenchQueue "$(uri "${ports[0]}")" bench-first 2>&1 | grep -v '^SLF4J' || true
  sleep 10
  report "$broker" "idle, empty" "${pids[@]}"
  uris="$(uri "${ports[0]}"),$(uri "${ports[1]}"),$(uri "${ports[2]}")"
  timeout 1800 java -cp "$BENCH_JAR" io.warren.bench.cluster.ManyQuorumQueues "$uris" "$COUNT" bench-qq 2>&1 \
    | grep -v '^SLF4J' | sed "s/^/$broker  /"
  sleep 20
  report "$broker" "$COUNT queues" "${pids[@]}"
  idle_cpu "$broker" "${pids[@]}"
  stop_brokers
done
