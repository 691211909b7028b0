#!/usr/bin/env bash
# Starts RabbitMQ nodes on this machine on free ports (Debian's rabbitmq-server, run as the rabbitmq user, so they
# share its Erlang cookie), each with its own node name and data and log directories under DIR, no plugins; with
# three nodes, nodes 2 and 3 join node 1's cluster. Writes DIR/nodes (one line per node: name AMQP-port) and
# stops them again with "stop". Used by bench/scripts/cluster-compare.sh; works alone too:
#
#   bench/scripts/rabbitmq-cluster-3.sh start DIR [1|3]    (default 3 nodes; DIR is created)
#   bench/scripts/rabbitmq-cluster-3.sh stop DIR
#
# A classic queue lives on the node it is declared on (the default queue-leader-locator, client-local), so
# declaring it through node 1 and connecting clients to node 2 makes every message cross Erlang distribution.
# "stop" stops the nodes only: Erlang's port mapper (epmd), which the first node starts if none runs, stays up for
# any other Erlang node of the machine (stop it with `epmd -kill` once nothing uses it).
set -euo pipefail

cmd=${1:-} dir=${2:-}
[[ ($cmd == start || $cmd == stop) && -n $dir ]] || { sed -n 2,9p "$0" >&2; exit 2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# stdin closed: rabbitmqctl reads it and would eat the lines of the loops below
ctl() { timeout 120 rabbitmqctl "$@" </dev/null; }

if [[ $cmd == stop ]]; then
  [[ -f $dir/nodes ]] || exit 0
  while read -r name _; do
    ctl -n "$name" stop >/dev/null 2>&1 || true
    pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
    # a node that did not stop in time is killed: nothing may outlive the benchmark
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done <"$dir/nodes"
  exit 0
fi

count=${3:-3}
mkdir -p "$dir"
chown rabbitmq: "$dir"
su rabbitmq -s /bin/sh -c "test -w '$dir'" || { echo "the rabbitmq user cannot write to $dir (a parent's mode?)" >&2; exit 1; }
plugins=$dir/enabled_plugins; echo '[].' >"$plugins"; chmod 644 "$plugins"
host=$(hostname -s)
: >"$dir/nodes"
for i in $(seq 1 "$count"); do
  name="cb$$-$i@$host" port=$(free_port) dist=$(free_port)
  mkdir -p "$dir/$i/mnesia" "$dir/$i/log"; chown -R rabbitmq: "$dir/$i"
  echo "$name $port" >>"$dir/nodes"
  RABBITMQ_ENABLED_PLUGINS_FILE=$plugins RABBITMQ_NODENAME=$name RABBITMQ_NODE_PORT=$port \
    RABBITMQ_DIST_PORT=$dist RABBITMQ_MNESIA_BASE=$dir/$i/mnesia RABBITMQ_LOG_BASE=$dir/$i/log \
    RABBITMQ_PID_FILE=$dir/$name.pid rabbitmq-server -detached >/dev/null 2>&1
done
# a detached node takes a few seconds to register with epmd, and await_startup refuses a node it cannot see yet
while read -r name _; do
  for _ in $(seq 1 60); do ctl -n "$name" ping >/dev/null 2>&1 && break; sleep 2; done
  ctl -n "$name" await_startup --timeout 90 >/dev/null
done <"$dir/nodes"
first=$(head -1 "$dir/nodes" | cut -d' ' -f1)
tail -n +2 "$dir/nodes" | while read -r name _; do
  ctl -n "$name" stop_app >/dev/null
  ctl -n "$name" join_cluster "$first" >/dev/null
  ctl -n "$name" start_app >/dev/null
done
if [[ $count -gt 1 ]]; then
  running=$(ctl -n "$first" cluster_status --formatter json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["running_nodes"]))')
  [[ $running == "$count" ]] || { echo "only $running of $count RabbitMQ nodes are running in the cluster" >&2; exit 1; }
fi
cat "$dir/nodes"
