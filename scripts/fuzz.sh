#!/usr/bin/env bash
# Runs libFuzzer targets that `make fuzz` built as build/fuzz/NAME.
#
#   scripts/fuzz.sh run SECONDS NAME...     each target for SECONDS on its working
#                                           corpus build/fuzz/corpus/NAME (where new
#                                           inputs go) and the committed fuzz/corpus/NAME;
#                                           stops at the first failure (make fuzz)
#   scripts/fuzz.sh check SECONDS NAME...   each target for SECONDS on its committed
#                                           corpus; new inputs go to a scratch directory
#                                           that is removed; runs them all (make test)
#
# Each target prints one line: its runs, executions a second, coverage (cov:
# edges, ft: features) and corpus size, or where the failing input is. A
# target's extra libFuzzer flags are in fuzz/NAME.options ("flag = value" lines)
# and its dictionary in fuzz/NAME.dict. Inputs that crash, leak or hang are kept
# in build/fuzz/crashes/NAME/; the whole output of a run in build/fuzz/logs/NAME.log.
# Exits non-zero when a target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: scripts/fuzz.sh run|check SECONDS NAME..." >&2
  exit 2
}
[ $# -ge 3 ] || usage
mode=$1 seconds=$2
shift 2
case "$mode" in run | check) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

# the sanitizers' defaults for make test apply here too; a fuzzer needs its
# own abort on the first error so the input is saved
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# fuzz/NAME.options as libFuzzer flags
options() {
  local file=fuzz/$1.options key value
  [ -f "$file" ] || return 0
  while IFS='=' read -r key value; do
    key=$(echo "$key" | tr -d '[:space:]')
    value=$(echo "$value" | sed 's/^ *//; s/ *$//')
    case "$key" in '' | '#'* | '['*) continue ;; esac
    echo "-$key=$value"
  done <"$file"
}

# The summary of a finished run from libFuzzer's output:
# "N runs (N/s), cov N, ft N, corpus N inputs (SIZE)".
summary() {
  local log=$1 runs rate cov ft corp
  runs=$(grep -oE '^stat::number_of_executed_units: +[0-9]+' "$log" | grep -oE '[0-9]+$')
  rate=$(grep -oE '^stat::average_exec_per_sec: +[0-9]+' "$log" | grep -oE '[0-9]+$')
  read -r cov ft corp < <(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 |
    sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([^ ]+).*/\1 \2 \3/')
  echo "${runs:-?} runs (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}," \
    "corpus ${corp%%/*} inputs (${corp#*/})"
}

one() { # $1 = target name; returns libFuzzer's status
  local name=$1 bin=build/fuzz/$1 work log crashes rc
  if [ ! -x "$bin" ] || [ ! -d "fuzz/corpus/$name" ]; then
    echo "$name: FAILED: $bin or fuzz/corpus/$name is missing (make $bin)"
    return 1
  fi
  if [ "$mode" = run ]; then
    work=build/fuzz/corpus/$name
  else
    work=build/fuzz/check/$name
    rm -rf "$work"
  fi
  crashes=build/fuzz/crashes/$name
  log=build/fuzz/logs/$name.log
  mkdir -p "$work" "$crashes" build/fuzz/logs
  # libFuzzer stops once more than max_total_time whole seconds have passed
  local args=(-max_total_time="$((seconds > 1 ? seconds - 1 : 1))" -timeout=25
    -print_final_stats=1 -artifact_prefix="$crashes/")
  [ -f "fuzz/$name.dict" ] && args+=(-dict="fuzz/$name.dict")
  mapfile -t extra < <(options "$name")
  # stdin is closed: no input may wait for a terminal
  "$bin" "${args[@]}" "${extra[@]}" "$work" "fuzz/corpus/$name" </dev/null >"$log" 2>&1
  rc=$?
  [ "$mode" = check ] && rm -rf "$work"
  if [ $rc -eq 0 ]; then
    echo "$name: ok, $(summary "$log")"
    return 0
  fi
  local input
  input=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/^Test unit written to //')
  echo "$name: FAILED (exit $rc)"
  grep -E 'ERROR: |SUMMARY: |runtime error|^fuzz_[a-z_]+: ' "$log" | head -5 | sed 's/^/  /'
  if [ -n "$input" ]; then
    echo "  reproducer: $input"
    echo "  run it again: $bin $input"
  fi
  echo "  full output: $log"
  return 1
}

failed=0
for name in "$@"; do
  name=fuzz_${name#fuzz_}
  [ "$mode" = run ] && echo "$name: fuzzing for $seconds s"
  if ! one "$name"; then
    failed=$((failed + 1))
    [ "$mode" = run ] && exit 1
  fi
done
[ "$failed" -eq 0 ]
