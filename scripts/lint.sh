#!/usr/bin/env bash
# Static checks: banned functions, formatting, and cppcheck. Exits non-zero on
# any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
# fuzz/corpus holds inputs, not sources
files=$( (find src tests/unit -name '*.[ch]'; find fuzz -maxdepth 1 -name '*.[ch]') | sort)

banned=$(grep -nE '\b(sprintf|vsprintf|strcat|strncat|strcpy|gets|strtok|atoi)\s*\(' $files |
  grep -vE '^\S+:[0-9]+:\s*(/\*|\*)')
if [ -n "$banned" ]; then
  echo "lint: banned functions (use bounded buffers and checked parsing):"
  echo "$banned"
  status=1
fi

if command -v clang-format >/dev/null; then
  if ! clang-format --dry-run --Werror $files 2>/tmp/hearth-format.log; then
    echo "lint: formatting differs from .clang-format (run make format):"
    head -20 /tmp/hearth-format.log
    status=1
  fi
fi

if command -v cppcheck >/dev/null; then
  if ! cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
      --inline-suppr --suppress=missingIncludeSystem --include=/usr/include/jansson.h \
      -D__GNUC__ -Isrc src fuzz/*.c 2>&1; then
    echo "lint: cppcheck found problems"
    status=1
  fi
fi

[ "$status" -eq 0 ] && echo "lint: ok"
exit "$status"
