#!/usr/bin/env bash
# Runs every suite against the sanitizer build, then each fuzz target briefly
# on its committed corpus, and ends with one line: "N passed, N failed".
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
trap 'rm -f "$log"' EXIT

count() { # $1 = pattern with one number group, $2 = file
  grep -oE "$1" "$2" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'
}

echo "== unit"
for t in "$@"; do
  "$t" >"$log" 2>&1
  rc=$?
  cat "$log"
  p=$(count '^\[  PASSED  \] [0-9]+' "$log")
  f=$(count '^\[  FAILED  \] [0-9]+ test' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
done

for suite in http browser; do
  files=$(ls tests/$suite/*.test.mjs 2>/dev/null)
  [ -n "$files" ] || continue
  echo "== $suite"
  node --test --test-concurrency=1 --test-reporter=tap $files >"$log" 2>&1
  rc=$?
  cat "$log"
  p=$(count '^# pass [0-9]+' "$log")
  f=$(count '^# fail [0-9]+' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
done

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
