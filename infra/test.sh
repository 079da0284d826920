#!/usr/bin/env bash
# The project's one test command (README, .ci/run): build, start a real Kafka broker, run every test, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Free ports for this run's broker, so a broker left running elsewhere on the machine cannot interfere.
if [ -z "${KAFKA_PORT:-}" ]; then
  read -r KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_SASL_PORT KAFKA_SASL_SSL_PORT < <(node -e "
    const net = require('net'); const servers = [0, 1, 2, 3].map(() => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, '127.0.0.1', ok)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(' ')); servers.forEach((s) => s.close()); });")
  export KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_SASL_PORT KAFKA_SASL_SSL_PORT
fi

npm run --silent build
# The PostgreSQL event store's tests make their own databases on the machine's server: make sure it is up.
bash infra/postgres/ensure-running.sh
bash infra/kafka/start.sh
trap 'bash infra/kafka/stop.sh --clean >/dev/null 2>&1 || true' EXIT
export KAFKA_TEST_BROKERS="127.0.0.1:${KAFKA_PORT}"
# The same broker's SASL listener and its user (infra/kafka/common.sh).
export KAFKA_TEST_SASL_BROKERS="127.0.0.1:${KAFKA_SASL_PORT:-9094}"
export KAFKA_TEST_SASL_USERNAME="${KAFKA_SASL_USERNAME:-omnichannel}"
export KAFKA_TEST_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-omnichannel-dev-password}"
export KAFKA_TEST_SASL_SSL_BROKERS="127.0.0.1:${KAFKA_SASL_SSL_PORT:-9095}"
export KAFKA_TEST_SSL_CA_FILE="$PWD/infra/kafka/.run/tls/ca.pem"
if [ -z "${EVENTSTORE_CONNECTION_STRING:-}" ]; then
  echo "EventStore contract: EventStoreDB — NOT RUN: EVENTSTORE_CONNECTION_STRING is unset (see docs/eventstoredb.md)"
fi
# --silent: what tests write to the console stays out of the list (run `npx jest <path>` to see it).
npx jest --ci --silent "$@"
