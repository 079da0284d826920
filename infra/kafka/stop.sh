#!/usr/bin/env bash
# Stop the broker started by start.sh. Data is kept, so start.sh resumes with the
# same topics, offsets and cluster id. `--clean` additionally deletes the data
# dir and cluster id (next start.sh creates a fresh cluster).
# Exits 0 if nothing is running.
#
# Env: KAFKA_STOP_TIMEOUT seconds to wait after SIGTERM before SIGKILL (30).
set -euo pipefail

# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

clean=0
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) log "unknown argument: $arg (usage: stop.sh [--clean])"; exit 2 ;;
  esac
done
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

mkdir -p "$RUN_DIR"
exec 9>"$LOCK_FILE"
flock -w 180 9 || { log "could not get lock $LOCK_FILE"; exit 1; }

if pid="$(find_broker_pid)"; then
  rm -f "$READY_FILE"
  echo "===== $(date -Is) stop.sh: stopping pid $pid =====" >>"$LOG_FILE"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_broker "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if is_our_broker "$pid"; then
    log "pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do is_our_broker "$pid" || break; sleep 0.1; done
  fi
  echo "kafka: stopped (pid $pid)"
else
  echo "kafka: not running"
fi
rm -f "$PID_FILE" "$READY_FILE"

if ((clean)); then
  rm -rf "$DATA_DIR" "$CLUSTER_ID_FILE" "$TLS_DIR"
  echo "kafka: removed $DATA_DIR"
fi
