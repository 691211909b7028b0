#!/usr/bin/env bash
# Compares Warren's TLS engines (BoringSSL through netty-tcnative, and the JDK's SSLEngine) with plain AMQP, by
# the transient scenario of docs/benchmarks.md (transient-1p1c-1k) run through RabbitMQ's PerfTest over amqps:// (PerfTest trusts any certificate
# there). Prints msg/s received and broker CPU per message for each run; the modes take turns, each run on a fresh
# broker, so that load from elsewhere on the machine falls on all of them alike. Traffic goes to 127.0.0.1 only;
# each broker is stopped after its run.
#   usage: bench/scripts/tls-engines.sh [--time SECS] [--rounds N]   (build the jar first: see README)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=20 ROUNDS=3
while [[ $# -gt 0 ]]; do
  case $1 in
    --time) SECS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
CACHE=${BENCH_CACHE:-$HOME/.cache/amqp-bench}
PERFTEST_VERSION=2.22.1
if ! compgen -G "$CACHE/lib/perf-test-*.jar" >/dev/null; then
  # PerfTest and its dependencies from Maven Central, once, through a throwaway pom
  echo "fetching PerfTest $PERFTEST_VERSION into $CACHE/lib" >&2
  mkdir -p "$CACHE/fetch"
  printf '%s\n' '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>' \
    '<groupId>local</groupId><artifactId>perftest-fetch</artifactId><version>1</version><dependencies>' \
    "<dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId><version>$PERFTEST_VERSION</version></dependency>" \
    '</dependencies></project>' >"$CACHE/fetch/pom.xml"
  mvn -B -q -f "$CACHE/fetch/pom.xml" dependency:copy-dependencies -DoutputDirectory="$CACHE/lib" >/dev/null
fi
JAR=broker-server/target/warren.jar
WORK=$(mktemp -d /tmp/warren-tls-bench.XXXX)
PORT=$((6400 + RANDOM % 200)) TLS_PORT=$((PORT + 200)) HTTP_PORT=$((PORT + 400))
trap 'kill "$BROKER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_mode() { # name engine uri round
  local name=$1 engine=$2 uri=$3 r=$4
  rm -rf "$WORK/data"
  java -jar "$JAR" --amqp-port "$PORT" --http-port "$HTTP_PORT" --prometheus-port 0 --data-dir "$WORK/data" \
    --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" --tls-engine "$engine" --amqps-port "$TLS_PORT" \
    --https-port none >"$WORK/broker.log" 2>&1 &
  BROKER=$!
  for _ in $(seq 240); do grep -q "management .* listening" "$WORK/broker.log" && break; sleep 0.5; done
  grep -q "$(tr a-z A-Z <<<"$engine") engine" "$WORK/broker.log" || { echo "engine $engine did not load:" >&2; cat "$WORK/broker.log" >&2; exit 1; }
  {
    local t0 t1 out rate
    t0=$(cpu_ticks "$BROKER")
    out=$(java -Xmx1g -cp "$CACHE/lib/*" com.rabbitmq.perf.PerfTest -h "$uri" -z "$SECS" \
      -x 1 -y 1 -s 1000 -q 200 -u "bench-tls-$name" -ad true 2>&1)
    t1=$(cpu_ticks "$BROKER")
    rate=$(awk '/receiving rate avg/ { for (i=1;i<=NF;i++) if ($i=="avg:") print $(i+1) }' <<<"$out")
    awk -v n="$name" -v r="$r" -v rate="${rate:-0}" -v d=$((t1 - t0)) -v hz="$TICKS" -v s="$SECS" 'BEGIN {
      printf "%-8s round %d  %8d msg/s  broker CPU %5.1f%% of one core  %6.2f us/msg\n", n, r, rate,
        d / hz / s * 100, (rate > 0 ? d / hz * 1e6 / (rate * s) : 0) }'
  }
  kill "$BROKER"; wait "$BROKER" 2>/dev/null || true
}

for r in $(seq "$ROUNDS"); do
  run_mode plain openssl "amqp://guest:guest@127.0.0.1:$PORT" "$r"
  run_mode openssl openssl "amqps://guest:guest@127.0.0.1:$TLS_PORT" "$r"
  run_mode jdk jdk "amqps://guest:guest@127.0.0.1:$TLS_PORT" "$r"
done
