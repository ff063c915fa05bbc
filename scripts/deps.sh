#!/usr/bin/env bash
# Installs what Hearth needs to build and test, and nothing when it is all
# there already (that path stays well under two seconds).
#
#   scripts/deps.sh          libraries and tools to build and run
#   scripts/deps.sh test     plus Chromium, the sqlite3 shell and npm packages
#   scripts/deps.sh bench    plus wrk
#
# As root it installs missing Debian packages with apt-get; otherwise it
# prints the exact command to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

# pkg-config module -> Debian package
libs=(
  "libmicrohttpd:libmicrohttpd-dev"
  "libsodium:libsodium-dev"
  "jansson:libjansson-dev"
  "sqlite3:libsqlite3-dev"
  "libical:libical-dev"
  "libqrencode:libqrencode-dev"
  "md4c-html:libmd4c-html0-dev"
)
# file -> Debian package, for what ships no pkg-config file
files=(
  "/usr/include/zxcvbn.h:libzxcvbn-dev"
  "/usr/share/zoneinfo/Europe/Paris:tzdata"
)
# command -> Debian package
tools=("cc:gcc" "make:make" "pkg-config:pkg-config")
case "$mode" in
  test) tools+=("chromium:chromium" "sqlite3:sqlite3" "node:nodejs" "npm:npm"
              "cppcheck:cppcheck" "clang-format:clang-format" "xmllint:libxml2-utils") ;;
  bench) tools+=("wrk:wrk") ;;
esac
if [ "$mode" = test ]; then libs+=("cmocka:libcmocka-dev"); fi

missing=()
for entry in "${libs[@]}"; do
  pkg-config --exists "${entry%%:*}" 2>/dev/null || missing+=("${entry##*:}")
done
for entry in "${files[@]}"; do
  [ -f "${entry%%:*}" ] || missing+=("${entry##*:}")
done
for entry in "${tools[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry##*:}")
done

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
