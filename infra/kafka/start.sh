#!/usr/bin/env bash
# Start the local single-node Kafka (KRaft) broker in the background and wait
# until it answers. Idempotent: exits 0 at once if the broker is already up.
# Data survives stop.sh / start.sh cycles (use `stop.sh --clean` to wipe).
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (19093), KAFKA_SASL_PORT (9094), KAFKA_SASL_SSL_PORT (9095),
#      KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD (the SASL listener's user),
#      KAFKA_START_TIMEOUT seconds (90), KAFKA_HEAP_OPTS ("-Xmx512m -Xms256m").
set -euo pipefail

# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
t0=$SECONDS

mkdir -p "$RUN_DIR"
# Serialise concurrent start/stop calls (e.g. parallel test workers).
exec 9>"$LOCK_FILE"
if ! flock -w 180 9; then
  log "could not get lock $LOCK_FILE"
  exit 1
fi

pid="$(find_broker_pid || true)"

# 1. Already up?
if [[ -n "$pid" ]]; then
  running_port="$(sed -n 's#^advertised\.listeners=PLAINTEXT://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$PROPS_FILE" 2>/dev/null || true)"
  if [[ -n "$running_port" && "$running_port" != "$KAFKA_PORT" ]]; then
    log "the broker from $RUN_DIR is already running on port $running_port (pid $pid), not $KAFKA_PORT; run stop.sh first"
    exit 1
  fi
  if [[ "$(cat "$READY_FILE" 2>/dev/null || true)" == "$pid" ]] && port_open "$KAFKA_PORT"; then
    echo "kafka: already running on $BOOTSTRAP (pid $pid)"
    exit 0
  fi
  # Our process exists but was never seen ready (e.g. an earlier start.sh was
  # interrupted): fall through and wait for it.
  rm -f "$READY_FILE"
elif port_open "$KAFKA_PORT"; then
  if cid="$(broker_cluster_id 20)"; then
    echo "kafka: a broker not started by this script is already answering on $BOOTSTRAP (cluster $cid)"
    exit 0
  fi
  log "port $KAFKA_PORT is in use by something that is not a Kafka broker"
  exit 1
fi

if [[ -z "$pid" ]]; then
  # 2. Jars: run maven only when target/libs is missing or pom.xml changed.
  pom_hash="$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)"
  if [[ ! -f "$LIBS_DIR/.pom.sha256" || "$(<"$LIBS_DIR/.pom.sha256")" != "$pom_hash" ]]; then
    log "fetching Kafka jars with Maven into $LIBS_DIR ..."
    rm -rf "$LIBS_DIR"
    # Output is captured (Maven 3.8 prints stray ANSI resets even with -q -B)
    # and only shown on failure.
    if ! mvn_out="$(mvn -B -q -Dstyle.color=never -f "$KAFKA_DIR/pom.xml" package 2>&1)"; then
      log "maven failed:"
      echo "$mvn_out" >&2
      exit 1
    fi
    echo "$pom_hash" >"$LIBS_DIR/.pom.sha256"
  fi

  # 3. A test CA and a certificate for 127.0.0.1 (first start only): the SASL_SSL listener's, for TLS tests.
  if [[ ! -s "$TLS_DIR/broker-keystore.pem" ]]; then
    mkdir -p "$TLS_DIR"
    # Chained with && (set -e does not apply inside an if condition).
    if ! tls_out="$(cd "$TLS_DIR" &&
      openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=omnichannel test CA" \
        -keyout ca.key -out ca.pem 2>&1 &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout broker.key -out broker.csr 2>&1 &&
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >broker.ext &&
      openssl x509 -req -days 3650 -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -extfile broker.ext -out broker.crt 2>&1 &&
      cat broker.key broker.crt >broker-keystore.pem)"; then
      log "making the test certificates failed:"
      echo "$tls_out" >&2
      exit 1
    fi
  fi

  # 4. Effective config.
  sed -e "s#:9092\b#:$KAFKA_PORT#g" \
      -e "s#:19093\b#:$KAFKA_CONTROLLER_PORT#g" \
      -e "s#:9094\b#:$KAFKA_SASL_PORT#g" \
      -e "s#:9095\b#:$KAFKA_SASL_SSL_PORT#g" \
      -e "s#@TLS_DIR@#$TLS_DIR#g" \
      -e "s#@SASL_USERNAME@#$KAFKA_SASL_USERNAME#g" \
      -e "s#@SASL_PASSWORD@#$KAFKA_SASL_PASSWORD#g" \
      -e "s#^log\.dirs=.*#log.dirs=$DATA_DIR#" \
      "$KAFKA_DIR/server.properties" >"$PROPS_FILE.tmp"
  mv "$PROPS_FILE.tmp" "$PROPS_FILE"

  # 5. Cluster id (kept across restarts) + storage format (first start only).
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    cid="$(sed -n 's/^cluster\.id=//p' "$DATA_DIR/meta.properties")"
    [[ -n "$cid" ]] && echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    run_tool kafka.tools.StorageTool random-uuid | tail -n 1 >"$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  cid="$(<"$CLUSTER_ID_FILE")"
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    mkdir -p "$DATA_DIR"
    scram="name=$KAFKA_SASL_USERNAME,password=$KAFKA_SASL_PASSWORD"
    if ! fmt_out="$(run_tool kafka.tools.StorageTool format -t "$cid" -c "$PROPS_FILE" --ignore-formatted \
      --add-scram "SCRAM-SHA-512=[$scram]" --add-scram "SCRAM-SHA-256=[$scram]" 2>&1)"; then
      log "storage format failed:"
      echo "$fmt_out" >&2
      exit 1
    fi
  fi

  # 6. Launch, detached into its own session so the caller's process group
  #    (e.g. a test runner) can exit or be killed without taking Kafka along.
  #    fd 9 (the lock) must not leak into the broker.
  echo "===== $(date -Is) start.sh: starting broker on $BOOTSTRAP =====" >>"$LOG_FILE"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java "${HEAP_OPTS[@]}" \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
      "-Dlog4j.configuration=file:$KAFKA_DIR/log4j.properties" \
      "-Dkafka.logs.dir=$RUN_DIR" \
      -cp "$CLASSPATH_GLOB" kafka.Kafka "$PROPS_FILE" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  launcher=$!
  for _ in $(seq 1 50); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.1
  done
  pid="$(<"$PID_FILE")"
else
  log "found broker process $pid (not yet confirmed ready); waiting for it"
  echo "$pid" >"$PID_FILE"
  launcher=""
fi
cid="$(cat "$CLUSTER_ID_FILE" 2>/dev/null || true)"

fail() {
  log "$1"
  log "last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  if is_our_broker "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do is_our_broker "$pid" || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$READY_FILE"
  exit 1
}

# 7. Wait until the broker answers a real request (bounded).
deadline=$((t0 + START_TIMEOUT))
while ! port_open "$KAFKA_PORT"; do
  is_our_broker "$pid" || fail "broker process exited during startup"
  ((SECONDS < deadline)) || fail "broker did not open port $KAFKA_PORT within ${START_TIMEOUT}s"
  sleep 0.2
done
while :; do
  remaining=$((deadline - SECONDS))
  ((remaining > 0)) || fail "broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s"
  if got="$(broker_cluster_id $((remaining < 30 ? remaining : 30)))"; then
    [[ -z "$cid" || "$got" == "$cid" ]] || fail "broker on $BOOTSTRAP reports cluster $got, expected $cid"
    break
  fi
  is_our_broker "$pid" || fail "broker process exited during startup"
  sleep 0.5
done
[[ -n "$launcher" ]] && disown "$launcher" 2>/dev/null || true
echo "$pid" >"$READY_FILE"

echo "kafka: ready on $BOOTSTRAP (pid $pid, cluster $got, $((SECONDS - t0))s, log $LOG_FILE)"
