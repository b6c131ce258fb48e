#!/bin/sh
# Runs a command (by default the test suite) with one busy loop per CPU
# (two on the 2-core build machine, each pinned to its core with taskset
# when available), as the suite must pass on a loaded machine. The loops
# are killed by their PIDs at the end, whatever the command's outcome.
#   sh tests/tools/load.sh [COMMAND ...]     (make test-load)
set -u
n=$(nproc 2>/dev/null || echo 2); [ "$n" -ge 2 ] || n=2
pids=""
stop() { for p in $pids; do kill "$p" 2>/dev/null; done; for p in $pids; do wait "$p" 2>/dev/null; done; pids=""; }
trap 'stop; exit 130' INT TERM
i=0
while [ "$i" -lt "$n" ]; do
  if command -v taskset >/dev/null 2>&1; then
    taskset -c "$i" sh -c 'while :; do :; done' &
  else
    sh -c 'while :; do :; done' &
  fi
  pids="$pids $!"; i=$((i + 1))
done
echo "load: $n busy loops (pids$pids)"
[ $# -gt 0 ] || set -- sh tests/run.sh
"$@"; rc=$?
stop
echo "load: busy loops stopped; exit $rc"
exit $rc
