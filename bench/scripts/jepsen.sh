#!/usr/bin/env bash
# The long Jepsen-style run (io.warren.server.jepsen.JepsenRun, broker-server's test sources): a 3-node Warren
# cluster of child JVMs on this machine, publishers with confirms and consumers with manual acks on different
# nodes, while a nemesis makes N faults (SIGKILL + restart of a queue's home/leader node or of another node,
# SIGSTOP/SIGCONT, and as root with `ip` a node cut off by ip netns routes); then every node is killed and
# restarted, every queue drained, and each message's fate counted (lost, duplicated, unexpected, recovered)
# with each fault's unavailability (median, max). Exit code 0 when lost == 0 and unexpected == 0.
#
#   bench/scripts/jepsen.sh [--faults N (100)] [--queue-type classic|quorum (classic)] [--seed N]
#                           [--queues N (2)] [--publishers N (3)] [--consumers N (3)] [--minutes N (90)]
#                           [--no-partitions] [--dir DIR (new under /tmp)]
#
# Builds broker-server/target/warren.jar and the test classes first when a source is newer than the jar
# (mvn -o -q -pl broker-server -am package -DskipTests; never install). Node logs and data stay in DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
ARGS=() DIR=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --no-partitions) ARGS+=("$1"); shift ;;
    --faults|--queue-type|--seed|--queues|--publishers|--consumers|--minutes)
      [[ $# -ge 2 ]] || { echo "$1 needs a value" >&2; exit 2; }
      ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
JAR=$PWD/broker-server/target/warren.jar
TESTS=$PWD/broker-server/target/test-classes
CP_FILE=$PWD/broker-server/target/jepsen.classpath
if [[ ! -f $JAR || ! -f $CP_FILE || ! -d $TESTS/io/warren/server/jepsen ]] \
    || [[ -n $(find . -path ./.git -prune -o -path '*/src/*' -newer "$JAR" -type f -print -quit) ]]; then
  echo "building warren.jar and the test classes..."
  # the reactor's modules run in dependency order: broker-server, last, writes the file that stays
  mvn -o -q -pl broker-server -am package -DskipTests dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
fi
DIR=${DIR:-$(mktemp -d /tmp/warren-jepsen.XXXXXX)}
echo "node data and logs in $DIR"
# a copy of the jar and the test classes, so that building again during a long run cannot change what it runs;
# the rest of the class path is the test-scope libraries from ~/.m2 (the reactor's own jars are in warren.jar)
mkdir -p "$DIR/lib"
cp "$JAR" "$DIR/lib/warren.jar"
cp -r "$TESTS" "$DIR/lib/test-classes"
LIBS=$(tr ':' '\n' < "$CP_FILE" | grep -v "^$PWD/" | paste -sd: -)
# and the reactor's test jars (test helpers the test classes share with other modules), copied too
for tests_jar in $(tr ':' '\n' < "$CP_FILE" | grep "^$PWD/.*-tests\.jar$"); do
  cp "$tests_jar" "$DIR/lib/"
  LIBS="$DIR/lib/$(basename "$tests_jar"):$LIBS"
done
# the children (nodes) run Main with this same class path: warren.jar first
exec java -Xmx512m -cp "$DIR/lib/test-classes:$DIR/lib/warren.jar:$LIBS" io.warren.server.jepsen.JepsenRun \
  --dir "$DIR/run" "${ARGS[@]}"
