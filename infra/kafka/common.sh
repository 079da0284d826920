# Shared settings/helpers for start.sh, stop.sh and kafka-cli.sh. Sourced, not executed.
# shellcheck shell=bash

KAFKA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="$KAFKA_DIR/.run"
DATA_DIR="$RUN_DIR/data"
LOG_FILE="$RUN_DIR/kafka.log"
PID_FILE="$RUN_DIR/kafka.pid"
PROPS_FILE="$RUN_DIR/server.properties"
CLUSTER_ID_FILE="$RUN_DIR/cluster.id"
LOCK_FILE="$RUN_DIR/.lock"
READY_FILE="$RUN_DIR/kafka.ready"
LIBS_DIR="$KAFKA_DIR/target/libs"
CLASSPATH_GLOB="$LIBS_DIR/*"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
# The SASL_PLAINTEXT listener and its user (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN): development credentials.
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9094}"
KAFKA_SASL_USERNAME="${KAFKA_SASL_USERNAME:-omnichannel}"
KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-omnichannel-dev-password}"
# The SASL_SSL listener, its test CA (the file clients trust) and the broker's certificate.
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9095}"
TLS_DIR="$RUN_DIR/tls"

# JVM flags for short-lived tool JVMs (fast start, small heap).
TOOL_JAVA_OPTS=(-Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$KAFKA_DIR/tools-log4j.properties")

log() { echo "kafka: $*" >&2; }

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# True if $1 is a live (non-zombie) process running kafka.Kafka with our config.
is_our_broker() {
  local pid="$1" stat args=()
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  mapfile -d '' args <"/proc/$pid/cmdline" 2>/dev/null || return 1
  [[ " ${args[*]} " == *" kafka.Kafka $PROPS_FILE "* ]] || return 1
  read -r stat <"/proc/$pid/stat" 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != "Z" && "${stat:0:1}" != "X" ]]
}

# Prints the pid of our broker (pid file first, then a scan for a JVM running
# kafka.Kafka with exactly our generated properties file). Returns 1 if none.
find_broker_pid() {
  local pid p
  if [[ -s "$PID_FILE" ]]; then
    pid="$(<"$PID_FILE")"
    if is_our_broker "$pid"; then echo "$pid"; return 0; fi
  fi
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    if is_our_broker "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# Runs a Kafka tool main class with the fetched jars.
run_tool() {
  java "${TOOL_JAVA_OPTS[@]}" -cp "$CLASSPATH_GLOB" "$@"
}

# Prints the cluster id reported by the broker on $BOOTSTRAP (empty + rc!=0 if it does not answer).
broker_cluster_id() {
  local t="${1:-20}" out
  out="$(timeout "$t" java "${TOOL_JAVA_OPTS[@]}" -cp "$CLASSPATH_GLOB" \
    org.apache.kafka.tools.ClusterTool cluster-id --bootstrap-server "$BOOTSTRAP" 2>/dev/null)" || return 1
  out="$(sed -n 's/^Cluster ID: *//p' <<<"$out")"
  [[ -n "$out" ]] || return 1
  echo "$out"
}
