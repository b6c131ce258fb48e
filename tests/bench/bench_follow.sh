#!/bin/bash
# Benchmarks of `logdeck index --follow` (not part of make test):
#   1. write latency (line written -> visible to a reader of the store),
#      p50/p99 at 1k and 20k lines/s (tests/bench/latency.c);
#   2. catch-up throughput on a 1M-line backlog;
#   3. CPU% of the idle follower over 10 s;
#   4. RSS after a day's worth of simulated rotations (1440 rename
#      rotations of a small file, i.e. one a minute, compressed in time).
# Usage: tests/bench/bench_follow.sh   (after make; BUILD=build)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/${BUILD:-build}
LD=$ROOT/logdeck
WR=$B/tests/tools/writer
LAT=$B/tests/bench/latency
T=$(mktemp -d /tmp/logdeck-bench.XXXXXX)
trap 'kill $IDX 2>/dev/null; rm -rf "$T"' EXIT
export LOGDECK_DB=$T/db HOME=$T

start() { "$LD" index --follow --status-interval 0 "$@" 2>>"$T/err" & IDX=$!; sleep 0.5; }
stop() { kill -TERM $IDX; wait $IDX 2>/dev/null; }

echo "== write latency (line written -> visible in the store)"
for rate in 1000 20000; do
  rm -f "$T"/db* "$T/lat.log"; : >"$T/lat.log"
  start "$T/lat.log"
  "$LAT" "$T/lat.log" "$LOGDECK_DB" "$rate" 5
  stop
done

echo "== catch-up throughput, 1M-line backlog"
rm -f "$T"/db*; mkdir -p "$T/c"
"$WR" -d "$T/c" -n big.log -s B -c 1000000 -o "$T/c.rec"
s=$(date +%s.%N)
start "$T/c/big.log"
while [ "$("$B/tests/tools/checkseq" --dump "$LOGDECK_DB" 2>/dev/null | tail -1 | cut -f3 | cut -d' ' -f2)" != 999999 ]; do sleep 0.2; done
e=$(date +%s.%N)
stop
echo "1000000 lines in $(echo "$e - $s - 0.5" | bc) s: $(echo "1000000 / ($e - $s - 0.5)" | bc) lines/s"

echo "== idle CPU (10 s, 3 files followed, nothing written)"
rm -f "$T"/db*; mkdir -p "$T/i"; for f in a b c; do echo x >"$T/i/$f.log"; done
start "$T/i"
t0=$(awk '{print $14+$15}' /proc/$IDX/stat); sleep 10; t1=$(awk '{print $14+$15}' /proc/$IDX/stat)
echo "idle follower: $(( t1 - t0 )) clock ticks in 10 s ($(echo "scale=2; ($t1 - $t0) / $(getconf CLK_TCK) * 10" | bc)% CPU)"
stop

echo "== RSS after a day of rotations (1440 rotations, 144k lines)"
rm -f "$T"/db*; mkdir -p "$T/r"
start "$T/r/app.log"
"$WR" -d "$T/r" -n app.log -s D -c 144000 -m rename -b 8000 -k 5 -r 20000 -o "$T/r.rec"
sleep 3
echo "RSS of the follower: $(awk '/VmRSS/ {print $2, $3}' /proc/$IDX/status) (peak $(awk '/VmHWM/ {print $2, $3}' /proc/$IDX/status))"
stop
