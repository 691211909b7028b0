#!/usr/bin/env bash
# The cost of a cluster hop: compare.sh's transient and persistent scenarios (same PerfTest arguments) against
#   single          one node, the client on it;
#   cluster-home    a 3-node cluster, the queue on node a (1), the client on node a (no hop);
#   cluster-remote  the same cluster, the queue on node a (1), the client on node b (2): every message, confirm,
#                   delivery and ack crosses between nodes (Warren's cluster link, RabbitMQ's Erlang distribution);
# for Warren (broker-server/target/warren.jar, the cluster from scripts/cluster-3.sh) and RabbitMQ (Debian's
# rabbitmq-server, bench/scripts/rabbitmq-cluster-3.sh), one broker at a time, taking turns between the setups
# round by round; then durable queue declarations per second (io.warren.bench.cluster.DeclareRate) on the single
# node and on cluster node a.
#
# The queue's home: before each run the queue is deleted and declared again, durable, through the home node
# (io.warren.bench.cluster.BenchQueue), and PerfTest gets -p (--predeclared) to use it as it is. A queue lives on the
# node it is declared on (Warren, RabbitMQ's client-local locator). The transient scenario's queue is durable here
# too (written when only durable queues had a home other nodes reach), while its messages stay transient; the same
# on every setup and both brokers.
#
# Every broker gets its own free ports and directory under /tmp; all of them are stopped on exit, Ctrl-C included.
# Build first: mvn -q -o -pl broker-server,bench -am package -DskipTests
#
#   bench/scripts/cluster-compare.sh [--time SECONDS (20)] [--rounds N (2)] [--brokers warren,rabbitmq]
#                                     [--declares N (500)] [--quorum]
#
# --quorum runs compare.sh's quorum-confirm-1k instead (PerfTest --quorum-queue, predeclared through node a, so
# its leader is on node a) on cluster-home and cluster-remote only: a quorum queue needs a cluster in Warren.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=20 ROUNDS=2 BROKERS=warren,rabbitmq DECLARES=500 QUORUM=
while [[ $# -gt 0 ]]; do
  case $1 in
    --time) SECS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --brokers) BROKERS=$2; shift 2 ;;
    --declares) DECLARES=$2; shift 2 ;;
    --quorum) QUORUM=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
CACHE=${BENCH_CACHE:-$HOME/.cache/amqp-bench}
JAR=${WARREN_JAR:-$PWD/broker-server/target/warren.jar}
BENCH_JAR=$PWD/bench/target/benchmarks.jar
for f in "$JAR" "$BENCH_JAR" "$CACHE"/lib/perf-test-*.jar; do
  [[ -f $f ]] || { echo "missing $f (build the jars; run compare.sh once to fetch PerfTest)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/cluster-compare.XXXXXX)
chmod 755 "$WORK" # RabbitMQ runs as the rabbitmq user and keeps its nodes' directories in here
RESULTS=$WORK/results.txt
TICKS=$(getconf CLK_TCK)

# compare.sh's scenarios of the same names, with -p: name | queue | PerfTest arguments
SCENARIOS=(
  "transient-1p1c-1k|bench-t1|-x 1 -y 1 -s 1000 -q 200 -u bench-t1 -ad true -p"
  "persistent-confirm-1k|bench-p1|-x 1 -y 1 -s 1000 -q 200 -c 200 -f persistent -u bench-p1 -ad false -p"
)
QUEUE_TYPE=classic
if [[ -n $QUORUM ]]; then
  SCENARIOS=("quorum-confirm-1k|bench-qq1|-x 1 -y 1 -s 1000 -q 200 -c 200 -u bench-qq1 --quorum-queue -f persistent -p")
  QUEUE_TYPE=quorum
fi

warren_single_pid='' warren_cluster_pid=''
cleanup() {
  trap - EXIT INT TERM
  # each Warren setup runs in its own process group (setsid): the group goes, with cluster-3.sh's three nodes
  for p in $warren_single_pid $warren_cluster_pid; do kill -- "-$p" 2>/dev/null || true; done
  for p in $warren_single_pid $warren_cluster_pid; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 -- "-$p" 2>/dev/null || true
  done
  for d in "$WORK"/rabbitmq-*; do [[ -d $d ]] && bench/scripts/rabbitmq-cluster-3.sh stop "$d"; done
  rm -rf "$WORK"/warren-single/data "$WORK"/warren-cluster/[abc] "$WORK"/rabbitmq-*/[123]/mnesia
  echo "results and logs in $WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
cpu_ticks() { [[ -n $1 && -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
uri() { echo "amqp://guest:guest@127.0.0.1:$1"; }

start_warren() {
  local port http
  port=$(free_port) http=$(free_port)
  mkdir -p "$WORK/warren-single"
  setsid java -Xmx256m -jar "$JAR" --bind 127.0.0.1 --amqp-port "$port" --http-port "$http" --prometheus-port none \
    --data-dir "$WORK/warren-single/data" >"$WORK/warren-single/broker.log" 2>&1 &
  warren_single_pid=$!
  WARREN_JAR=$JAR setsid scripts/cluster-3.sh "$WORK/warren-cluster" >"$WORK/warren-cluster.out" 2>&1 &
  warren_cluster_pid=$!
  for _ in $(seq 1 180); do
    grep -q "Ctrl-C stops the cluster" "$WORK/warren-cluster.out" && grep -q "AMQP 0-9-1 listening on" \
      "$WORK/warren-single/broker.log" && break
    sleep 1
  done
  grep -q "Ctrl-C stops the cluster" "$WORK/warren-cluster.out" || { echo "the Warren cluster did not start" >&2; exit 1; }
  SINGLE=$port
  A=$(awk '$1 == "a" && $2 ~ /^amqp/ {sub(/.*:/, "", $2); print $2}' "$WORK/warren-cluster.out")
  B=$(awk '$1 == "b" && $2 ~ /^amqp/ {sub(/.*:/, "", $2); print $2}' "$WORK/warren-cluster.out")
  C=$(awk '$1 == "c" && $2 ~ /^amqp/ {sub(/.*:/, "", $2); print $2}' "$WORK/warren-cluster.out")
}

start_rabbitmq() {
  bench/scripts/rabbitmq-cluster-3.sh start "$WORK/rabbitmq-single" 1 >/dev/null
  bench/scripts/rabbitmq-cluster-3.sh start "$WORK/rabbitmq-cluster" 3 >/dev/null
  SINGLE=$(awk 'NR == 1 {print $2}' "$WORK/rabbitmq-single/nodes")
  A=$(awk 'NR == 1 {print $2}' "$WORK/rabbitmq-cluster/nodes")
  B=$(awk 'NR == 2 {print $2}' "$WORK/rabbitmq-cluster/nodes")
  C=$(awk 'NR == 3 {print $2}' "$WORK/rabbitmq-cluster/nodes")
}

stop_brokers() {
  for p in $warren_single_pid $warren_cluster_pid; do kill -- "-$p" 2>/dev/null || true; done
  for p in $warren_single_pid $warren_cluster_pid; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  done
  warren_single_pid='' warren_cluster_pid=''
  for d in "$WORK"/rabbitmq-*; do [[ -d $d ]] && bench/scripts/rabbitmq-cluster-3.sh stop "$d"; done
  return 0
}

# one PerfTest run (PerfTest invoked and read as compare.sh does); appends a line to $RESULTS:
# broker setup scenario round load1 send recv p50_us p99_us cpu_us_per_msg(all nodes) cpu per node (client's first)
run_perftest() {
  local broker=$1 setup=$2 scenario=$3 round=$4 home=$5 client=$6 queue=$7 args=$8
  shift 8
  local ports=("$@") pids=() t0=() t1=() load out
  java -cp "$BENCH_JAR" io.warren.bench.cluster.BenchQueue "$(uri "$home")" "$queue" "$QUEUE_TYPE" 2>&1 | grep -v '^SLF4J' || true
  for p in "${ports[@]}"; do pids+=("$(listener_pid "$p")"); done
  load=$(cut -d' ' -f1 /proc/loadavg)
  for p in "${pids[@]}"; do t0+=("$(cpu_ticks "$p")"); done
  # shellcheck disable=SC2086
  out=$(timeout $((SECS + 120)) java -Xmx1g -cp "$CACHE/lib/*" com.rabbitmq.perf.PerfTest -h "$(uri "$client")" \
    -z "$SECS" $args 2>&1 | awk '
    /sending rate avg/   { for (i=1;i<=NF;i++) if ($i=="avg:") s=$(i+1) }
    /receiving rate avg/ { for (i=1;i<=NF;i++) if ($i=="avg:") r=$(i+1) }
    /consumer latency min\/median/ { split($NF=="µs"?$(NF-1):$NF, a, "/"); p50=a[2]; p99=a[5] }
    END { printf "%s %s %s %s\n", s+0, r+0, p50+0, p99+0 }') || true
  for p in "${pids[@]}"; do t1+=("$(cpu_ticks "$p")"); done
  local deltas=()
  for i in "${!pids[@]}"; do deltas+=($((t1[i] - t0[i]))); done
  awk -v o="$out" -v d="${deltas[*]}" -v hz="$TICKS" -v secs="$SECS" \
      -v head="$broker $setup $scenario $round $load" 'BEGIN {
    split(o, f, " "); n = f[2] * secs; k = split(d, t, " "); total = 0; each = ""
    for (i = 1; i <= k; i++) { c = (n > 0 ? t[i] / hz * 1e6 / n : 0); total += c; each = each sprintf(" %.2f", c) }
    printf "%s %s %.2f%s\n", head, o, total, each }' | tee -a "$RESULTS"
}

run_declares() {
  local broker=$1 setup=$2 round=$3 port=$4 load out
  load=$(cut -d' ' -f1 /proc/loadavg)
  out=$(timeout 900 java -cp "$BENCH_JAR" io.warren.bench.cluster.DeclareRate "$(uri "$port")" "$DECLARES" 20 2>&1 \
    | awk '/^declares\/s/ {print $2}')
  echo "$broker $setup declares $round $load ${out:-0}" | tee -a "$RESULTS"
}

echo "broker setup scenario round load1 send recv p50_us p99_us cpu_us/msg(all) cpu(client node) cpu(others...)"
for broker in ${BROKERS//,/ }; do
  case $broker in
    warren) start_warren ;;
    rabbitmq) start_rabbitmq ;;
    *) echo "unknown broker $broker" >&2; exit 2 ;;
  esac
  for round in $(seq 1 "$ROUNDS"); do
    for entry in "${SCENARIOS[@]}"; do
      IFS='|' read -r name queue args <<<"$entry"
      [[ -n $QUORUM ]] || run_perftest "$broker" single "$name" "$round" "$SINGLE" "$SINGLE" "$queue" "$args" "$SINGLE"
      run_perftest "$broker" cluster-home "$name" "$round" "$A" "$A" "$queue" "$args" "$A" "$B" "$C"
      run_perftest "$broker" cluster-remote "$name" "$round" "$A" "$B" "$queue" "$args" "$B" "$A" "$C"
    done
    if [[ -z $QUORUM ]]; then
      run_declares "$broker" single "$round" "$SINGLE"
      run_declares "$broker" cluster "$round" "$A"
    fi
  done
  stop_brokers
done

echo
echo "medians over $ROUNDS rounds (msg/s received, consumer p99 in ms, broker CPU us/msg over all nodes; declares/s)"
awk '$3 != "declares" { k = $1 " " $2 " " $3; r[k] = r[k] " " $7; l[k] = l[k] " " $9; c[k] = c[k] " " $10 }
     $3 == "declares" { k = $1 " " $2 " declares"; r[k] = r[k] " " $6 }
  function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { for (k in r) if (k ~ /declares$/) printf "%-48s %10.1f\n", k, med(r[k]);
        else printf "%-48s %10.0f %10.1f %8.2f\n", k, med(r[k]), med(l[k]) / 1000, med(c[k]) }' "$RESULTS" | sort
