#!/bin/sh
# Ingest benchmark (`make bench`): generates NLINES records (default 1M) of
# the seed formats with tests/bench/gen, then times, on the same files:
#   logdeck index   end to end (parse + store + FTS), into a fresh store
#   parse only      tests/bench/parsebench (parser API, no store)
#   store only      tests/bench/storebench (synthetic records, no parsing)
#   lnav load       if lnav is installed (headless, one SQL count)
# and prints a table: records/s, MB/s, wall time, peak RSS. Figures only,
# not a pass/fail test. Env: BUILD (build dir, default build), NLINES,
# LOGDECK (binary, default ./logdeck), KEEP=1 keeps the scratch directory.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) BIN="$BUILD/tests/bench" ;; *) BIN="$ROOT/$BUILD/tests/bench" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
N=${NLINES:-1000000}
W=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-bench.XXXXXX")
cleanup() { [ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# Private HOME: neither logdeck's config nor lnav's state comes from the user.
export TZ=UTC HOME="$W/home" XDG_STATE_HOME="$W/home/.state" LOGDECK_DB="$W/index.db"
mkdir -p "$HOME"
TABLE="$W/table"
: >"$TABLE"

if /usr/bin/time -v true >/dev/null 2>&1; then GNU_TIME=1; else GNU_TIME=0; fi

now_ns() { date +%s%N; }

# measure NAME CMD...: runs CMD (stdout -> $W/NAME.out, stderr -> $W/NAME.err)
# and sets RC, WALL (seconds) and RSS_KB (peak resident set, 0 if unknown).
measure() {
  name=$1; shift
  t0=$(now_ns)
  if [ "$GNU_TIME" = 1 ]; then
    /usr/bin/time -v -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err"; RC=$?
    RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$W/$name.time")
  else
    # No GNU time: poll the child's VmHWM (peak RSS) while it runs.
    "$@" >"$W/$name.out" 2>"$W/$name.err" &
    pid=$!; RSS_KB=0
    while kill -0 "$pid" 2>/dev/null; do
      v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
      [ -n "$v" ] && [ "$v" -gt "$RSS_KB" ] && RSS_KB=$v
      sleep 0.05
    done
    wait "$pid"; RC=$?
  fi
  t1=$(now_ns)
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  RSS_KB=${RSS_KB:-0}
}

# row STAGE RECORDS BYTES SECONDS RSS_KB [NOTE]
row() {
  awk -v s="$1" -v r="$2" -v b="$3" -v t="$4" -v m="$5" -v n="${6:-}" 'BEGIN {
    rps = t > 0 ? r / t : 0; mbps = t > 0 ? b / 1e6 / t : 0
    printf "%-16s %9d %9.1f %8.3f %10.0f %8.1f %8.1f  %s\n", s, r, b / 1e6, t, rps, mbps, m / 1024, n
  }' >>"$TABLE"
}
na() { printf "%-16s %s\n" "$1" "n/a: $2" >>"$TABLE"; }
result() { sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$W/$1.out"; }
why() { head -c 200 "$W/$1.err" | tr '\n' ' '; }

# --- corpus -------------------------------------------------------------------
[ -x "$BIN/gen" ] || { echo "bench: $BIN/gen not built (make $BUILD/tests/bench/gen)" >&2; exit 1; }
echo "bench: generating $N records into $W/corpus"
measure gen "$BIN/gen" --lines "$N" --out "$W/corpus" --truth "$W/truth"
[ "$RC" = 0 ] || { echo "bench: gen failed: $(why gen)" >&2; exit 1; }
REC=$(sed -n 's/^records //p' "$W/truth")
BYTES=$(sed -n 's/^bytes //p' "$W/truth")
LINES=$(sed -n 's/^lines //p' "$W/truth")
echo "bench: gen wrote $REC records, $LINES lines, $BYTES bytes in $WALL s"
row "gen (write)" "$REC" "$BYTES" "$WALL" "$RSS_KB"
FILES=$(ls "$W"/corpus/*)

# --- logdeck index, end to end -------------------------------------------------
if [ -x "$LOGDECK" ]; then
  echo "bench: logdeck index --json"
  # shellcheck disable=SC2086  # the corpus paths have no spaces (mktemp)
  measure index "$LOGDECK" --db "$W/index.db" index --json $FILES
  if [ "$RC" = 0 ]; then
    dbkb=$(du -k "$W/index.db" 2>/dev/null | cut -f1)
    row "logdeck index" "$REC" "$BYTES" "$WALL" "$RSS_KB" "store $((${dbkb:-0} / 1024)) MB"
    head -c 400 "$W/index.out"; echo
  else
    na "logdeck index" "exit $RC: $(why index)"
  fi
  rm -f "$W/index.db" "$W/index.db-wal" "$W/index.db-shm"
else
  na "logdeck index" "$LOGDECK not built"
fi

# --- parse only ------------------------------------------------------------------
if [ -x "$BIN/parsebench" ]; then
  echo "bench: parsebench"
  # shellcheck disable=SC2086
  measure parse "$BIN/parsebench" $FILES
  if [ "$RC" = 0 ]; then
    row "parse only" "$(result parse records)" "$BYTES" "$(result parse seconds)" "$RSS_KB" \
        "(parse time; wall incl. mapping $WALL s)"
    got=$(sed -n 's/^records //p' "$W/parse.out")
    [ "$got" = "$REC" ] || echo "bench: note: parser made $got records, gen's truth says $REC"
  else
    na "parse only" "exit $RC: $(why parse)"
  fi
else
  na "parse only" "$BIN/parsebench not built (parser API not linkable yet?)"
fi

# --- store only ------------------------------------------------------------------
if [ -x "$BIN/storebench" ]; then
  echo "bench: storebench"
  measure store "$BIN/storebench" -n "$N" -d "$W/store.db"
  if [ "$RC" = 0 ]; then
    sbytes=$(awk -v r="$(result store records)" -v m="$(result store mbps)" \
                 -v s="$(result store seconds)" 'BEGIN { printf "%d", m * s * 1e6 }')
    row "store only" "$(result store records)" "$sbytes" "$(result store seconds)" "$RSS_KB" \
        "(batches of 100k; store $(result store db_mb) MB)"
  else
    na "store only" "exit $RC: $(why store)"
  fi
  rm -f "$W/store.db" "$W/store.db-wal" "$W/store.db-shm"
else
  na "store only" "$BIN/storebench not built"
fi

# --- lnav ------------------------------------------------------------------------
if command -v lnav >/dev/null 2>&1; then
  echo "bench: lnav $(lnav -V 2>/dev/null | head -1)"
  # shellcheck disable=SC2086
  measure lnav lnav -n -q -c ';SELECT count(*) FROM all_logs' $FILES
  if [ "$RC" = 0 ]; then
    row "lnav load" "$REC" "$BYTES" "$WALL" "$RSS_KB" "(headless; redone at every start)"
  else
    na "lnav load" "exit $RC: $(why lnav)"
  fi
else
  na "lnav load" "lnav not installed"
fi

echo
printf "%-16s %9s %9s %8s %10s %8s %8s\n" stage records MB "wall s" "rec/s" "MB/s" "RSS MB"
cat "$TABLE"
[ "$GNU_TIME" = 1 ] || echo "(peak RSS sampled from /proc every 50 ms: GNU time not installed)"

# --- the other benchmarks (each prints its own figures) -----------------------
for b in bench_store bench_layout bench_query bench_follow bench_tui bench_views bench_alerts bench_ch bench_first; do
  if [ -f "tests/bench/$b.sh" ] && [ -z "${BENCH_ONLY_INGEST:-}" ]; then
    echo; echo "=== $b"
    bash "tests/bench/$b.sh" || echo "bench: $b exited $?"
  fi
done
exit 0
