#!/usr/bin/env bash
# The two test lanes, side by side (one per core): PostgreSQL runs every test; SQLite, the
# embedded default of `make run`, runs every test that is not about PostgreSQL itself
# (marker `postgres`, which includes the worker tests). Each lane's full output is printed
# once both are done, so each ends on pytest's own closing line; fails if either failed.
# Usage: scripts/test-lanes.sh [postgres] [sqlite] [fast]  (postgres and sqlite when none is
# named; fast, the inner loop of `make test-fast`, runs alone)
set -u
cd "$(dirname "$0")/.."
PYTEST=.venv/bin/pytest
lanes=("$@")
[ ${#lanes[@]} -eq 0 ] && lanes=(postgres sqlite)

logs=$(mktemp -d)
declare -A pids
for lane in "${lanes[@]}"; do
  case "$lane" in
    postgres) args=() ;;
    sqlite) args=(-p no:cacheprovider --ds=mentorship_site.settings.test_sqlite -m "not postgres") ;;
    # The inner loop (`make test-fast`): the SQLite lane on TEST_FAST_WORKERS processes
    # (pytest-xdist), without browser, worker, stack and slow tests.
    fast) args=(-p no:cacheprovider --ds=mentorship_site.settings.test_sqlite
                -n "${TEST_FAST_WORKERS:-2}" --dist loadfile
                -m "not postgres and not browser and not worker and not stack and not slow") ;;
    *) echo "Unknown lane: $lane (postgres, sqlite or fast)" >&2; exit 2 ;;
  esac
  echo "Starting the $lane lane…"
  "$PYTEST" "${args[@]}" >"$logs/$lane.log" 2>&1 &
  pids[$lane]=$!
done
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$logs"; exit 130' INT TERM

failed=""
for lane in "${lanes[@]}"; do
  wait "${pids[$lane]}" || failed="$failed $lane"
done
trap - INT TERM
for lane in "${lanes[@]}"; do
  echo
  echo "==================== $lane lane ===================="
  cat "$logs/$lane.log"
done
rm -rf "$logs"
if [ -n "$failed" ]; then
  echo "Failed lane(s):$failed" >&2
  exit 1
fi
