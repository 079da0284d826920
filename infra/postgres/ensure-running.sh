#!/usr/bin/env bash
# Makes sure the machine's PostgreSQL answers on 127.0.0.1:5432 (the PostgreSQL event store's tests
# make their own databases there, docs/postgres.md): starts Debian's cluster if it is down, then
# waits until it accepts connections. OMNICHANNEL_TEST_POSTGRES_URL pointing elsewhere skips this.
set -euo pipefail

if [ -n "${OMNICHANNEL_TEST_POSTGRES_URL:-}" ]; then
  exit 0
fi
if pg_isready -q -h 127.0.0.1 -p 5432; then
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing: apt-get install postgresql" >&2
  exit 1
fi
for version in $(ls /etc/postgresql); do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "PostgreSQL: started"
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL did not accept connections on 127.0.0.1:5432 within 60 s" >&2
exit 1
