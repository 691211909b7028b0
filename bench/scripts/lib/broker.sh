# shellcheck shell=bash
# Sourced by the bench scripts: start warren.jar in the background with a heap, wait until AMQP listens, sample its
# peak resident memory, and stop it again. Expects JAR, PORT and WORK to be set; leaves BROKER_PID set.

# start_broker HEAP [extra broker flags...]: the broker's log goes to $WORK/broker.log
start_broker() {
  local heap=$1
  shift
  # BROKER_JAVA_OPTS holds several options: split on spaces on purpose
  # shellcheck disable=SC2086
  java -Xmx"$heap" ${BROKER_JAVA_OPTS:-} -jar "$JAR" --amqp-port "$PORT" --http-port 0 --prometheus-port 0 \
    --bind 127.0.0.1 --data-dir "$WORK/data" "$@" >"$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 150); do
    grep -q "AMQP 0-9-1 listening on" "$WORK/broker.log" && break
    kill -0 "$BROKER_PID" 2>/dev/null || { echo "broker died"; tail -n 30 "$WORK/broker.log"; exit 1; }
    sleep 0.2
  done
  ( peak=0
    while kill -0 "$BROKER_PID" 2>/dev/null; do
      rss=$(awk '/VmRSS/ {print $2}' /proc/"$BROKER_PID"/status 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$WORK/peak-rss"
      sleep 0.5
    done ) &
  SAMPLER=$!
}

peak_rss_mib() {
  echo $(( $(cat "$WORK/peak-rss" 2>/dev/null || echo 0) / 1024 ))
}

# stop_broker: SIGTERM, then SIGKILL for a broker that does not stop within 10 s; removes its data
stop_broker() {
  if [ -n "${BROKER_PID:-}" ]; then
    kill "$BROKER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=
  fi
  if [ -n "${SAMPLER:-}" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  rm -rf "$WORK/data"
}
