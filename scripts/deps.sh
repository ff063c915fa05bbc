#!/usr/bin/env bash
# Installs what Hearth needs to build and test, and nothing when it is all
# there already (that path stays well under two seconds).
#
#   scripts/deps.sh          libraries and tools to build and run
#   scripts/deps.sh test     plus Chromium, Node.js and its test packages, a
#                            PostgreSQL server, the linters and clang's fuzzing
#                            runtime
#   scripts/deps.sh bench    plus wrk, hey, nginx (the reference server), taskset and pgrep
#                            (and with BENCH_DB=postgres, PostgreSQL)
#
# Every library header the C sources include (#include <...> in src, tests/unit
# and fuzz) is looked up in the table below, so a new library cannot be used
# without saying which Debian package brings it: a header missing from the
# table stops this script.
#
# As root it installs missing Debian packages with apt-get; otherwise it
# prints the exact command to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

# header -> the Debian packages that provide it (and its pkg-config file)
declare -A header_pkgs=(
  [microhttpd.h]=libmicrohttpd-dev
  [sodium.h]=libsodium-dev
  [jansson.h]=libjansson-dev
  [sqlite3.h]=libsqlite3-dev
  [libpq-fe.h]=libpq-dev
  [libical/ical.h]=libical-dev
  [qrencode.h]=libqrencode-dev
  [md4c.h]=libmd4c-dev
  [md4c-html.h]="libmd4c-dev libmd4c-html0-dev"
  [zxcvbn.h]=libzxcvbn-dev
  [zlib.h]=zlib1g-dev
  [brotli/encode.h]=libbrotli-dev
  [cmocka.h]=libcmocka-dev
)
# pkg-config module -> Debian package (the Makefile links with these)
pcs=(
  "libmicrohttpd:libmicrohttpd-dev" "libsodium:libsodium-dev" "jansson:libjansson-dev"
  "sqlite3:libsqlite3-dev" "libpq:libpq-dev" "libical:libical-dev" "libqrencode:libqrencode-dev"
  "md4c-html:libmd4c-html0-dev" "zlib:zlib1g-dev" "libbrotlienc:libbrotli-dev"
)
# file -> Debian package, for what is neither a header nor a command
files=("/usr/share/zoneinfo/Europe/Paris:tzdata")
# command -> Debian package (gzip, brotli and perl make the static files
# small at build time: scripts/embed.sh)
tools=("cc:gcc" "make:make" "pkg-config:pkg-config" "gzip:gzip" "brotli:brotli" "perl:perl-base")
case "$mode" in
  test)
    tools+=("chromium:chromium" "node:nodejs" "npm:npm" "cppcheck:cppcheck"
            "clang-format:clang-format" "xmllint:libxml2-utils" "clang:clang")
    # Python's icalendar reads the calendar feed back (tests/http/ical_check.py)
    files+=("/usr/lib/python3/dist-packages/icalendar/__init__.py:python3-icalendar")
    # the PostgreSQL server the tests start (scripts/pg.sh)
    files+=("$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | head -1 || true):postgresql")
    # libFuzzer (clang -fsanitize=fuzzer) lives in compiler-rt
    files+=("$(clang -print-resource-dir 2>/dev/null || echo /nonexistent)/lib/linux/libclang_rt.fuzzer-$(uname -m).a:libclang-rt-14-dev")
    ;;
  bench)
    tools+=("wrk:wrk" "hey:hey" "node:nodejs" "taskset:util-linux" "pgrep:procps" "getconf:libc-bin")
    files+=("/usr/sbin/nginx:nginx-light")
    if [ "${BENCH_DB:-}" = postgres ]; then
      files+=("$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | head -1 || true):postgresql")
    fi
    ;;
esac

missing=()
add() { for p in "$@"; do [[ " ${missing[*]-} " == *" $p "* ]] || missing+=("$p"); done; }

for entry in "${tools[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || add "${entry##*:}"
done
for entry in "${files[@]}"; do
  [ -f "${entry%%:*}" ] || add "${entry##*:}"
done
for entry in "${pcs[@]}"; do
  pkg-config --exists "${entry%%:*}" 2>/dev/null || add "${entry##*:}"
done

# Library headers the sources include: angle-bracket includes that are not
# part of the C library or POSIX (those come with gcc's libc6-dev).
dirs=(src fuzz)
[ "$mode" = test ] && dirs+=(tests/unit)
headers=$(grep -rhoE '^#include <[^>]+>' "${dirs[@]}" 2>/dev/null | sed 's/#include <\(.*\)>/\1/' |
  grep -vE '^(sys|arpa|netinet)/|^(assert|ctype|errno|getopt|inttypes|limits|locale|math|pthread|semaphore|setjmp|signal|stdarg|stdatomic|stdbool|stddef|stdint|stdio|stdlib|string|strings|time|unistd|fcntl|poll|netdb|dirent|glob|sched|dlfcn)\.h$' |
  sort -u)
unknown=()
for h in $headers; do
  if [ -z "${header_pkgs[$h]+set}" ]; then unknown+=("$h"); continue; fi
  [ "$h" = cmocka.h ] && [ "$mode" != test ] && continue
  found=0
  for d in /usr/include /usr/include/postgresql /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu; do
    [ -f "$d/$h" ] && found=1 && break
  done
  [ $found = 1 ] || add ${header_pkgs[$h]}
done
if [ ${#unknown[@]} -gt 0 ]; then
  echo "deps: no Debian package is known for the header(s) ${unknown[*]}; add them to scripts/deps.sh" >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Hearth needs these Debian packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  stamp=node_modules/.hearth-lock
  if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    echo "deps: installing npm test packages" >&2
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
