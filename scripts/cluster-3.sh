#!/usr/bin/env bash
# Starts a 3-node Warren cluster on this machine, on free ports, each node with its own data directory, and
# prints how to reach it. Ctrl-C stops all three. Build the jar first:
#   mvn -q -pl broker-server -am package -DskipTests
# Usage: scripts/cluster-3.sh [work dir (default: a new one under /tmp)]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
jar="${WARREN_JAR:-$here/broker-server/target/warren.jar}"
[ -f "$jar" ] || { echo "no $jar: build it with mvn -q -pl broker-server -am package -DskipTests" >&2; exit 1; }
work="${1:-$(mktemp -d /tmp/warren-cluster.XXXXXX)}"
mkdir -p "$work"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# a cluster port whose next two ports are free too: the node's message link listens on its cluster port + 1, its
# quorum server on + 2
free_port_pair() {
  python3 -c '
import socket
for _ in range(100):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    t = socket.socket(); u = socket.socket()
    try:
        t.bind(("127.0.0.1", p + 1)); u.bind(("127.0.0.1", p + 2)); print(p); break
    except OSError:
        pass
    finally:
        s.close(); t.close(); u.close()
'
}

names=(a b c)
declare -A amqp http raft
for n in "${names[@]}"; do
  amqp[$n]=$(free_port); http[$n]=$(free_port); raft[$n]=$(free_port_pair)
done
members="a@127.0.0.1:${raft[a]},b@127.0.0.1:${raft[b]},c@127.0.0.1:${raft[c]}"

pids=()
stop() {
  trap - EXIT INT TERM
  echo "stopping the cluster ..."
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT INT TERM

for n in "${names[@]}"; do
  java -Xmx256m -jar "$jar" --node-name "$n" --cluster-nodes "$members" --bind 127.0.0.1 \
    --amqp-port "${amqp[$n]}" --http-port "${http[$n]}" --prometheus-port none \
    --data-dir "$work/$n" > "$work/$n.log" 2>&1 &
  pids+=($!)
done

echo "waiting for the nodes to agree on their definitions ..."
for i in $(seq 1 120); do
  if curl -sf -u guest:guest "http://127.0.0.1:${http[a]}/api/cluster" 2>/dev/null | grep -q '"role":"leader"' \
     && curl -sf -u guest:guest "http://127.0.0.1:${http[c]}/api/whoami" > /dev/null 2>&1; then
    break
  fi
  sleep 1
done

cat <<INFO
Warren cluster of 3 nodes (data and logs in $work):
  node  AMQP                      management                 cluster (Raft)
  a     amqp://127.0.0.1:${amqp[a]}    http://127.0.0.1:${http[a]}    127.0.0.1:${raft[a]}
  b     amqp://127.0.0.1:${amqp[b]}    http://127.0.0.1:${http[b]}    127.0.0.1:${raft[b]}
  c     amqp://127.0.0.1:${amqp[c]}    http://127.0.0.1:${http[c]}    127.0.0.1:${raft[c]}
Members:   java -jar $jar cluster status --url http://127.0.0.1:${http[a]}
A 4th:     java -jar $jar --node-name d --cluster-port <port> --cluster-nodes $members \\
             --bind 127.0.0.1 --amqp-port <port> --http-port <port> --data-dir $work/d
           java -jar $jar cluster join d 127.0.0.1:<its cluster port> --url http://127.0.0.1:${http[a]}
Ctrl-C stops the cluster.
INFO
wait
