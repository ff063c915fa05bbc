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

# SQL is written once for both engines: SQLite-only words belong in the
# SQLite backend and in *.sqlite.sql migrations (STRICT is fine: the
# PostgreSQL backend drops it), and LIKE is case-sensitive on PostgreSQL, so
# it compares lower() on both sides.
sqlite_only='INSERT OR |REPLACE INTO|AUTOINCREMENT|PRAGMA |BEGIN IMMEDIATE|sqlite_master|\bGLOB\b|\bIFNULL\(|\bstrftime\(|\bdatetime\(|\bjulianday\(|\brandomblob\(|last_insert_rowid|\browid\b|\bTYPEOF\(|\bifnull\('
sql_files=$(find src -name '*.c' ! -path 'src/store/sqlite.c' | sort)
mig_files=$(find migrations -name '*.sql' ! -name '*.sqlite.sql' | sort)
# the string literals of the C sources, and the migrations' lines outside comments
sql_text=$( { grep -noE '"([^"\\]|\\.)*"' $sql_files; grep -nE '^[^-]*' $mig_files; } )
found=$(echo "$sql_text" | grep -E "$sqlite_only")
unlowered=$(echo "$sql_text" | grep -E '[^)] LIKE ')
if [ -n "$found$unlowered" ]; then
  echo "lint: SQL that only SQLite understands (move it to src/store/sqlite.c or a .sqlite.sql migration):"
  [ -n "$found" ] && echo "$found"
  [ -n "$unlowered" ] && echo "$unlowered" && echo "  (LIKE must compare lower(...) LIKE lower(...))"
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
