#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are not running. With CI=true a service that
# still isn't up fails the run, so tests are never silently skipped.
set -u
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up && command -v pg_ctlcluster >/dev/null; then
  echo "Starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "Starting Redis…"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi

missing=""
pg_up || missing="$missing PostgreSQL"
redis_up || missing="$missing Redis"
if [ -n "$missing" ]; then
  echo "Not running:$missing (needed by the test suite)." >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "Outside CI the tests that need them will fail; start them and run make test again." >&2
  exit 1
fi
echo "PostgreSQL and Redis are up."
