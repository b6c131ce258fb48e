#!/bin/bash
# bench_ch: ClickHouse backend benchmark (not part of `make test`), side by
# side with the local store on the same records (NLINES, default 1M, from
# tests/bench/gen spanning the last 24 h), each with a reference measured
# in the same run:
#   ship rate   a one-shot `index --ship` of an already indexed journal
#               (so it only ships): rows/s, the shipper's CPU seconds
#               (user+sys) and the server's; reference: the same rows (at
#               most 1M) as one TabSeparated INSERT by curl (the engine's rate)
#   lag         a line appended on "host A" (a follower shipping to the
#               server) -> counted by `logdeck --db URL query` from "host
#               B" (this script), and by plain SQL over curl polled every
#               ~5 ms (the shipping lag alone): median and max over LAGN
#               lines each (the TUI's cursor poll adds up to its 1 s)
#   queries     end to end through the CLI (process start included),
#               median of RUNS: trace, level+time, field equality, full
#               text, stats; on the local store and on ClickHouse;
#               references: rg -c over the raw files, and the server's
#               own time for an equivalent SQL count (curl)
#   size        ClickHouse: system.parts bytes_on_disk per table; SQLite:
#               the store file + WAL; the raw log bytes
# Env: NLINES, RUNS (5), LAGN (20), BUILD, LOGDECK, KEEP=1,
# CH_LOCAL_DB=PATH (reuse a store indexed from CH_CORPUS=DIR: skips gen and
# the local index, for 10M runs).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) BD="$BUILD" ;; *) BD="$ROOT/$BUILD" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
N=${NLINES:-1000000}
RUNS=${RUNS:-5}
LAGN=${LAGN:-20}
T=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-chbench.XXXXXX")
_cleanup() { [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"; }
export TZ=UTC HOME="$T/home"; mkdir -p "$HOME"
. "$ROOT/tests/tools/chserver.bash"
ch_require "bench_ch" || exit 0
ch_start "$T/ch" || exit 1
SRV=$CH_PID
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null || exit 1
echo "bench_ch: $(uptime | sed 's/.*load/load/'), $(nproc) cores"
sql() { ch_sql "$T/ch" "$1"; }
cpu_s() { # PID: user+sys CPU seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# --- corpus and local store ---------------------------------------------------------------
if [ -n "${CH_LOCAL_DB:-}" ]; then
  DB=$CH_LOCAL_DB; CORPUS=${CH_CORPUS:?CH_CORPUS=DIR with CH_LOCAL_DB}
  echo "local store $DB reused (corpus $CORPUS)"
else
  DB="$T/local.db"; CORPUS="$T/corpus"
  now=$(date +%s)
  "$BD/tests/bench/gen" --lines "$N" --out "$CORPUS" --start $((now - 86400)) --span 86400 >/dev/null || exit 1
  /usr/bin/time -f "%e %U %S %M" -o "$T/index.time" "$LOGDECK" --db "$DB" index "$CORPUS"/* \
    >"$T/index.out" 2>&1 || { cat "$T/index.out"; exit 1; }
  read -r w u s m <"$T/index.time"
  echo "local index: $w s wall, CPU $u+$s s, peak RSS $((m / 1024)) MB"
fi
recs=$("$LOGDECK" --db "$DB" query --count '')
raw=$(du -sb "$CORPUS" | cut -f1)
echo "corpus: $recs records, $raw bytes raw"

# --- ship rate ------------------------------------------------------------------------------
# A pass without --ship first: a store of an older schema is migrated and
# every file found read, so the timed run below only ships.
"$LOGDECK" --db "$DB" index "$CORPUS"/* >/dev/null 2>&1
c0=$(cpu_s "$SRV")
/usr/bin/time -f "%e %U %S %M" -o "$T/ship.time" "$LOGDECK" --db "$DB" index --ship "$URL" \
  --host bench-1 "$CORPUS"/* >"$T/ship.out" 2>&1; rc=$?
c1=$(cpu_s "$SRV")
read -r w u s m <"$T/ship.time"
echo "ship (exit $rc): $(tail -1 "$T/ship.out")"
awk -v r="$recs" -v w="$w" -v u="$u" -v s="$s" -v m="$m" -v c="$(awk "BEGIN{print $c1-$c0}")" 'BEGIN {
  printf "ship rate, one host: %.0f rows/s (%d rows in %.1f s); shipper CPU %.1f s (user %.1f + sys %.1f, %.0f%% of a core), peak RSS %d MB; server CPU %.1f s\n",
    r / w, r, w, u + s, u, s, 100 * (u + s) / w, m / 1024, c }'
got=$(sql "SELECT count() FROM logdeck.logs")
[ "$got" = "$recs" ] || echo "bench_ch: WARNING: the server holds $got rows, the journal $recs"
# Reference: the engine's own ingest of the same rows, one INSERT by curl.
sql "CREATE TABLE logdeck.ref AS logdeck.logs" >/dev/null
# with the same trace view (ClickHouse writes it on each INSERT too)
sql "SHOW CREATE TABLE logdeck.logs_by_cid FORMAT TabSeparatedRaw" |
  sed 's/logdeck\.logs_by_cid/logdeck.ref_by_cid/; s/FROM logdeck\.logs /FROM logdeck.ref /' >"$T/mv.sql"
sql "$(cat "$T/mv.sql")" >/dev/null
refn=$(( recs < 1000000 ? recs : 1000000 ))   # at most 1M rows (10M would be 7 GB of TSV)
sql "SELECT * FROM logdeck.logs LIMIT $refn FORMAT TabSeparated" >"$T/rows.tsv"
t0=$(date +%s%N)
curl -sS -m 3600 --data-binary @"$T/rows.tsv" \
  "http://127.0.0.1:$CH_HTTP/?query=INSERT%20INTO%20logdeck.ref%20FORMAT%20TabSeparated" >/dev/null
t1=$(date +%s%N)
awk -v r="$refn" -v ns=$((t1 - t0)) -v b="$(stat -c %s "$T/rows.tsv")" 'BEGIN {
  printf "reference, one TSV INSERT by curl into a copy of the tables (%.0f MB): %.0f rows/s (%.1f s)\n", b / 1e6, r / (ns / 1e9), ns / 1e9 }'
sql "DROP TABLE logdeck.ref_by_cid" >/dev/null; sql "DROP TABLE logdeck.ref" >/dev/null; rm -f "$T/rows.tsv"

# --- lag: written on host A -> counted on ClickHouse from host B -----------------------------
mkdir -p "$T/h2"; : >"$T/h2/app.log"
"$LOGDECK" --db "$T/h2.db" index --follow --status-interval 0 --ship "$URL" --host bench-2 \
  "$T/h2/app.log" >/dev/null 2>"$T/h2.err" &
FP=$!
for _ in $(seq 100); do grep -q '^logdeck index: following' "$T/h2.err" && break; sleep 0.1; done
# probe I POLL...: appends probe I, runs POLL until it prints I (at most
# 25 s); appends the ms to $T/lags.POLLNAME
probe() {
  local i=$1 name=$2 s seen=0; shift 2
  s=$(date +%s%N)
  printf '{"timestamp":"%s","level":"info","service":"%s","event":"lag probe %d"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$name" "$i" >>"$T/h2/app.log"
  for _ in $(seq 2500); do
    [ "$("$@" 2>/dev/null)" = "$i" ] && { seen=1; break; }
    [ "$name" = lagsql ] && sleep 0.005
  done
  [ "$seen" = 1 ] && echo $(( ($(date +%s%N) - s) / 1000000 )) >>"$T/lags.$name" || echo "lag probe $name $i not seen"
  sleep 0.$((RANDOM % 5 + 1))   # probes at irregular moments against the shipper's cycle
}
: >"$T/lags.lag"; : >"$T/lags.lagsql"
for i in $(seq "$LAGN"); do
  probe "$i" lag "$LOGDECK" --db "$URL" query --count "service:lag"
  probe "$i" lagsql sql "SELECT count() FROM logdeck.logs WHERE service = 'lagsql'"
done
kill -TERM "$FP"; wait "$FP"
summary() { sort -n "$1" | awk -v n="$LAGN" -v what="$2" '{a[NR] = $1} END {
  printf "lag written -> %s (ms, %d of %d probes): median %d, max %d, min %d\n",
    what, NR, n, a[int((NR + 1) / 2)], a[NR], a[1] }'; }
summary "$T/lags.lag" "counted by logdeck query on ClickHouse (a poll = a process)"
summary "$T/lags.lagsql" "counted by SQL over curl (polled every ~5 ms: the shipping alone)"
s=$(date +%s%N); "$LOGDECK" --db "$URL" query --count "service:lag" >/dev/null 2>&1
echo "  (one poll, process start included: $(( ($(date +%s%N) - s) / 1000000 )) ms; the TUI's cursor poll adds up to 1000 ms)"

# --- queries ------------------------------------------------------------------------------------
ms() { # median wall ms of RUNS runs of CMD
  : >"$T/t"
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 100000 )) >>"$T/t"
  done
  sort -n "$T/t" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 10}'
}
srv_ms() { # the server's own time for SQL (median of RUNS, over HTTP)
  ms curl -sS -m 60 --data-binary "$1" "http://127.0.0.1:$CH_HTTP/"
}
cid=$("$LOGDECK" --db "$DB" query --json --limit 200 'cid:*' | sed -n 's/.*"cid":"\([^"]*\)".*/\1/p' | sed -n 100p)
printf '%-36s %10s %10s %8s  %s\n' "query (ms, median of $RUNS)" "sqlite" "clickhouse" "ch/sqlite" "reference"
row() { # LABEL REFERENCE ARGS...
  local a b; a=$(ms "$LOGDECK" --db "$DB" "${@:3}"); b=$(ms "$LOGDECK" --db "$URL" "${@:3}")
  printf '%-36s %10s %10s %8s  %s\n' "$1" "$a" "$b" "$(awk "BEGIN{printf \"%.1fx\", $b/$a}")" "$2"
}
L=logdeck.logs
row "trace CID" "server SQL $(srv_ms "SELECT count() FROM logdeck.logs_by_cid WHERE lower(cid) = lower('$cid')") ms" trace "$cid"
row "level>=error since:1h (page)" "" query 'level>=error since:1h'
row "level>=error since:1h --count" "server SQL $(srv_ms "SELECT count() FROM $L WHERE level >= 6 AND ts >= (toUInt64(now()) - 3600) * 1000000") ms" query --count 'level>=error since:1h'
row "service:api (page)" "" query 'service:api'
row "status:503 --count" "server SQL $(srv_ms "SELECT count() FROM $L WHERE status = 503") ms" query --count 'status:503'
row "full text 'timeout' (page)" "" query 'timeout'
row "full text 'timeout' --count" "rg -c $(ms rg -c -i timeout "$CORPUS") ms" query --count 'timeout'
row "stats" "" stats
row "stats --by service level>=error" "" stats --by service 'level>=error'

# --- on disk ------------------------------------------------------------------------------------
wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
echo "on disk (bytes): raw logs $raw; SQLite $(( $(stat -c %s "$DB") + wal )) (store $(stat -c %s "$DB") + WAL $wal)"
sql "SELECT table, sum(bytes_on_disk), sum(rows) FROM system.parts WHERE database = 'logdeck' AND active GROUP BY table ORDER BY table FORMAT TSV" |
  awk -v raw="$raw" '{ t += $2; printf "  ClickHouse %-22s %12d bytes on disk, %d rows\n", $1, $2, $3 } END {
    printf "  ClickHouse total %12d bytes (%.2fx raw)\n", t, t / raw }'
echo "bench_ch: done, $(uptime | sed 's/.*load/load/')"
