#!/bin/sh
# Installs the Debian packages logdeck builds and tests with, when missing.
# pkg-config decides which libraries are missing; without root the exact
# apt-get line is printed instead.
set -u
need=""
pkgs="sqlite3:libsqlite3-dev libcjson:libcjson-dev libcurl:libcurl4-openssl-dev yaml-0.1:libyaml-dev zlib:zlib1g-dev ncursesw:libncurses-dev cmocka:libcmocka-dev"
command -v pkg-config >/dev/null 2>&1 || need="pkg-config"
for p in $pkgs; do
  mod=${p%%:*}; deb=${p#*:}
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$mod"; then
    need="$need $deb"
  fi
done
for t in tmux:tmux gzip:gzip cc:gcc make:make; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $need >/dev/null || {
    echo "deps: apt-get install failed for:$need" >&2; exit 1; }
else
  echo "deps: missing packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y$need" >&2
  exit 1
fi
