# Shared by bin/warren and bin/warrenctl (sourced once they know WARREN_HOME, not run): finds the config file
# and a Java 17 or newer. Sets WARREN_CONF, WARREN_CONF_GIVEN (yes when the user named the file) and JAVA.
# The scripts that source this file read what it sets:
# shellcheck shell=sh disable=SC2034

warren_die() {
  printf '%s: %s\n' "$WARREN_SCRIPT" "$*" >&2
  exit 1
}

if [ -n "${WARREN_CONF:-}" ]; then
  WARREN_CONF_GIVEN=yes
else
  WARREN_CONF=$WARREN_HOME/conf/warren.conf
  WARREN_CONF_GIVEN=no
fi

if [ -n "${JAVA_HOME:-}" ]; then
  JAVA=$JAVA_HOME/bin/java
  [ -x "$JAVA" ] || warren_die "JAVA_HOME is $JAVA_HOME but $JAVA is missing or not executable;" \
    "set JAVA_HOME to a Java 17 or newer installation (or unset it to use the java on PATH)"
else
  JAVA=$(command -v java 2>/dev/null) ||
    warren_die "no java found: install Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)" \
      "or set JAVA_HOME to one"
fi

# "java -version" prints e.g. openjdk version "17.0.15" 2025-04-15, java version "1.8.0_392" or "21-ea"
java_version=$("$JAVA" -version 2>&1 | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | sed -n 1p)
case $java_version in
  1.*) java_major=${java_version#1.} ;;
  *) java_major=$java_version ;;
esac
java_major=${java_major%%[!0-9]*}
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  warren_die "Warren needs Java 17 or newer, but $JAVA is version ${java_version:-unknown};" \
    "set JAVA_HOME to a newer one"
fi
