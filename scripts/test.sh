#!/usr/bin/env bash
# Runs every suite against the sanitizer build, then each fuzz target briefly
# on its committed corpus, and ends with one line: "N passed, N failed". The
# unit tests of the store, the reveal rule and the jobs, and the whole HTTP
# suite, run twice: on SQLite, and on a PostgreSQL this script starts for
# them (scripts/pg.sh) and stops afterwards. The browser suite runs on SQLite.
# Usage: scripts/test.sh UNIT_BINARY... (make test builds them and the fuzz
# targets first).
set -uo pipefail
cd "$(dirname "$0")/.."
export HEARTH_BIN=${HEARTH_BIN:-build/san/hearth}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# the slow-connection tests hold over a thousand sockets open at once
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
passed=0
failed=0
log=$(mktemp)
pgdir=$(mktemp -d)
chmod 755 "$pgdir" # the unprivileged server reaches its data below it
trap 'rm -f "$log"; scripts/pg.sh stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT

count() { # $1 = pattern with one number group, $2 = file
  grep -oE "$1" "$2" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'
}

# Adds a suite's counts; a run that failed without a count is one failure.
tally() { # $1 = exit status, $2 = passed, $3 = failed
  local p=$2 f=$3
  if [ "$1" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
}

if pg=$(scripts/pg.sh start "$pgdir/pg"); then
  echo "== PostgreSQL for the tests at $pg"
else
  echo "== PostgreSQL could not start: its suites count as failed"
  pg=
  tally 1 0 1
fi

unit() { # runs the unit binaries; with HEARTH_TEST_PG set, the store's run on it too
  for t in "$@"; do
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    tally "$rc" "$(count '^\[  PASSED  \] [0-9]+' "$log")" "$(count '^\[  FAILED  \] [0-9]+ test' "$log")"
  done
}

echo "== unit"
unit "$@"
if [ -n "$pg" ]; then
  echo "== unit (the store, reveal and jobs on PostgreSQL)"
  export HEARTH_TEST_PG=$pg
  unit $(printf '%s\n' "$@" | grep -E '/test_(db|reveal|jobs)$')
  unset HEARTH_TEST_PG
fi

node_suite() { # $1 = name, $2 = directory, more = environment
  local name=$1 dir=$2
  shift 2
  local files
  files=$(ls "tests/$dir"/*.test.mjs 2>/dev/null)
  [ -n "$files" ] || return 0
  echo "== $name"
  env "$@" node --test --test-concurrency=1 --test-reporter=tap $files >"$log" 2>&1
  rc=$?
  cat "$log"
  tally "$rc" "$(count '^# pass [0-9]+' "$log")" "$(count '^# fail [0-9]+' "$log")"
}

node_suite http http HEARTH_TEST_DB=sqlite
if [ -n "$pg" ]; then
  node_suite "http (PostgreSQL)" http HEARTH_TEST_DB=postgres HEARTH_TEST_PG="$pg"
fi
node_suite browser browser HEARTH_TEST_DB=sqlite

# each target that runs clean for FUZZ_CHECK_SECONDS counts as one pass; one
# that crashes, leaks, hangs or cannot run, as one failure
echo "== fuzz"
for src in fuzz/fuzz_*.c; do
  if scripts/fuzz.sh check "${FUZZ_CHECK_SECONDS:-3}" "$(basename "$src" .c)"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
