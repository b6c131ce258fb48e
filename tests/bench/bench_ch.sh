#!/bin/bash
# bench_ch: ClickHouse backend benchmark (not part of `make test`), side by
# side with the local store on the same records (NLINES, default 1M, from
# tests/bench/gen spanning the last 24 h):
#   ship rate     `index --ship` of an already indexed journal: rows/s and
#                 the shipping process's CPU seconds (user+sys)
#   lag           a line appended to a followed file -> counted by a query
#                 on ClickHouse (another host's view), median of 5
#   queries       end to end through the CLI (process start included),
#                 median of RUNS: trace (cid), level+time, field equality,
#                 full text, stats; on the local store and on ClickHouse
#   size          the local store file vs ClickHouse's active parts
# Env: NLINES, RUNS (default 5), BUILD, LOGDECK, KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) BD="$BUILD" ;; *) BD="$ROOT/$BUILD" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
N=${NLINES:-1000000}
RUNS=${RUNS:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-chbench.XXXXXX")
_cleanup() { [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"; }
export TZ=UTC HOME="$T/home"; mkdir -p "$HOME"
. "$ROOT/tests/tools/chserver.bash"
ch_require "bench_ch" || exit 0
ch_start "$T/ch" || exit 1
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null || exit 1
DB="$T/local.db"
now=$(date +%s)
"$BD/tests/bench/gen" --lines "$N" --out "$T/corpus" --start $((now - 86400)) --span 86400 >/dev/null || exit 1
t0=$(date +%s%N)
"$LOGDECK" --db "$DB" index "$T/corpus"/* >"$T/index.out" 2>&1 || { cat "$T/index.out"; exit 1; }
t1=$(date +%s%N)
recs=$("$LOGDECK" --db "$DB" query --count '')
echo "corpus: $recs records, $(du -sb "$T/corpus" | cut -f1) bytes raw; local index $(( (t1 - t0) / 1000000 )) ms"

# Ship rate: the journal is indexed already, so this run only ships.
# (a one-shot index stops draining after 60 s; a second run resumes from
# where the server's copy ends, so the rate is rows over both runs' time)
wall=0 usr=0 sys=0
for run in 1 2 3; do
  /usr/bin/time -f "%e %U %S" -o "$T/ship.time" "$LOGDECK" --db "$DB" index --ship "$URL" \
    --host bench-1 "$T/corpus"/* >"$T/ship.out" 2>&1; rc=$?
  read -r w u s <"$T/ship.time"
  wall=$(awk "BEGIN{print $wall+$w}"); usr=$(awk "BEGIN{print $usr+$u}"); sys=$(awk "BEGIN{print $sys+$s}")
  [ "$rc" = 0 ] && break
done
echo "ship: $(tail -1 "$T/ship.out"); $wall s wall, $(awk "BEGIN{printf \"%.0f\", $recs/$wall}") rows/s, CPU user $usr s + sys $sys s ($(awk "BEGIN{printf \"%.0f\", 100*($usr+$sys)/$wall}")% of one core)"
for _ in $(seq 100); do
  [ "$("$LOGDECK" --db "$URL" query --count '')" = "$recs" ] && break; sleep 0.1
done

# Lag: line written on "host 2" -> visible to a query on ClickHouse.
mkdir -p "$T/h2"; : >"$T/h2/app.log"
"$LOGDECK" --db "$T/h2.db" index --follow --status-interval 0 --ship "$URL" --host bench-2 \
  "$T/h2/app.log" >/dev/null 2>"$T/h2.err" &
FP=$!
sleep 1.5
: >"$T/lags"
for i in 1 2 3 4 5; do
  s=$(date +%s%N)
  printf '{"timestamp":"%s","level":"info","service":"lag","event":"lag probe %d"}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$i" >>"$T/h2/app.log"
  for _ in $(seq 400); do
    [ "$("$LOGDECK" --db "$URL" query --count "service:lag" 2>/dev/null)" = "$i" ] && break
    sleep 0.02
  done
  echo $(( ($(date +%s%N) - s) / 1000000 )) >>"$T/lags"
  sleep 0.3
done
kill -TERM "$FP"; wait "$FP"
echo "lag written -> visible on ClickHouse (ms, 5 runs, sorted): $(sort -n "$T/lags" | tr '\n' ' ')(+ up to 1000 ms TUI poll)"

ms() { # median wall ms of RUNS runs of CMD
  : >"$T/t"
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 100000 )) >>"$T/t"
  done
  sort -n "$T/t" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 10}'
}
cid=$("$LOGDECK" --db "$DB" query --json --limit 200 'cid:*' | sed -n 's/.*"cid":"\([^"]*\)".*/\1/p' | sed -n 100p)
printf '%-34s %12s %12s\n' "query (ms, median of $RUNS)" "local" "clickhouse"
row() { printf '%-34s %12s %12s\n' "$1" "$(ms "$LOGDECK" --db "$DB" "${@:2}")" "$(ms "$LOGDECK" --db "$URL" "${@:2}")"; }
row "trace CID" trace "$cid"
row "level>=error since:1h (page)" query 'level>=error since:1h'
row "level>=error since:1h --count" query --count 'level>=error since:1h'
row "service:api (page)" query 'service:api'
row "status:503 --count" query --count 'status:503'
row "full text 'timeout' (page)" query 'timeout'
row "full text 'timeout' --count" query --count 'timeout'
row "stats (1M rows)" stats
row "stats --by service level>=error" stats --by service 'level>=error'
ch_size=$(ch_sql "$T/ch" "SELECT sum(bytes) FROM system.parts WHERE database = 'logdeck' AND active")
raw=$(du -sb "$T/corpus" | cut -f1)
echo "on disk: local store $(du -b "$DB" | cut -f1) bytes, ClickHouse $ch_size bytes (logs + by-cid view), raw $raw bytes"
