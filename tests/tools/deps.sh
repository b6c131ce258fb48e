#!/bin/sh
# Installs the Debian packages logdeck builds and tests with, when missing.
#   deps.sh        the build (libraries through pkg-config, a compiler, make)
#                  and the tools the tests use (tmux, gzip, zip, pgrep, curl,
#                  sqlite3, zsh, setpriv...); a missing test tool is not fatal: the tests
#                  that need it report themselves skipped, with the reason
#   deps.sh fuzz   clang, for `make fuzz` (libFuzzer)
#   deps.sh clickhouse   clickhouse-server and clickhouse-client, for the
#                  ClickHouse tests (tests/tools/chserver.bash); exit status 1
#                  when they are still missing (those tests then SKIP)
# As root, what is missing is installed with apt-get; otherwise the exact
# apt-get line is printed (and, for the build, the exit status is 1).
set -u
need="" opt=""
add() { need="$need $1"; }
if [ "${1:-}" = fuzz ]; then
  command -v clang >/dev/null 2>&1 || add clang
elif [ "${1:-}" = clickhouse ]; then
  [ -x /usr/sbin/clickhouse-server ] || add "clickhouse-server clickhouse-client"
  command -v curl >/dev/null 2>&1 || add curl   # chserver.bash: /ping, SQL over HTTP
else
  command -v pkg-config >/dev/null 2>&1 || add pkg-config
  pkgs="sqlite3:libsqlite3-dev libcjson:libcjson-dev libcurl:libcurl4-openssl-dev yaml-0.1:libyaml-dev zlib:zlib1g-dev libzstd:libzstd-dev ncursesw:libncurses-dev cmocka:libcmocka-dev"
  for p in $pkgs; do
    if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "${p%%:*}"; then
      add "${p#*:}"
    fi
  done
  for t in cc:gcc make:make; do
    command -v "${t%%:*}" >/dev/null 2>&1 || add "${t#*:}"
  done
  # test tools: tmux (TUI tests), gzip/zip (rotated files), pgrep (procps),
  # setpriv (util-linux), readelf and nm (binutils), strace (cli.sh:
  # the config file is read once), sqlite3 (store_v3.sh reads the store
  # behind logdeck's back), curl (the ClickHouse tests talk to the server),
  # zsh (install.sh: the zsh completion parses), python3 (ch_store,
  # ch_tui_metrics, stats_backends compare answers with it)
  for t in tmux:tmux gzip:gzip zip:zip pgrep:procps setpriv:util-linux readelf:binutils \
           nm:binutils strace:strace sqlite3:sqlite3 curl:curl zsh:zsh python3:python3; do
    command -v "${t%%:*}" >/dev/null 2>&1 || opt="$opt ${t#*:}"
  done
fi
[ -z "$need$opt" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing$need$opt"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq $need $opt >/dev/null; then
    exit 0
  fi
  echo "deps: apt-get install failed for:$need$opt" >&2
else
  echo "deps: missing packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y$need$opt" >&2
fi
if [ -n "$need" ]; then exit 1; fi
echo "deps: tests needing$opt will be reported as skipped" >&2
exit 0
