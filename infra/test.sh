#!/usr/bin/env bash
# The project's one test command (README, .ci/run): build, start a real Kafka broker, run every test, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build
bash infra/kafka/start.sh
trap 'bash infra/kafka/stop.sh --clean >/dev/null 2>&1 || true' EXIT
export KAFKA_TEST_BROKERS="${KAFKA_TEST_BROKERS:-127.0.0.1:9092}"
npx jest --ci "$@"
