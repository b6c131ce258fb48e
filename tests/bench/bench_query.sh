#!/bin/sh
# bench_query: query engine benchmark (not part of `make test`). Builds a
# store of 1M records in the seed formats (tests/bench/gen + logdeck index;
# 10M too with BENCH_10M=1) and times, end to end through the CLI (process
# start and store open included), the first page (50 rows) and --count of:
#   cid trace, level>=error in the last hour, a full-text term, a field
#   equality, a structured-field equality, a numeric range, and `stats`.
# Uses hyperfine when installed, else the median of RUNS runs.
# Env: BUILD (default build), LOGDECK (default ./logdeck), RUNS (default 10),
# BENCH_10M=1, KEEP=1 (keep the scratch dir), BENCH_DIR (reuse stores there).
# Targets (design.md): trace < 5 ms, level/time < 10 ms, full-text < 50 ms
# at 10M records; stats over 1M < 500 ms.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) GEN="$BUILD/tests/bench/gen" ;; *) GEN="$ROOT/$BUILD/tests/bench/gen" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
RUNS=${RUNS:-10}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/logdeck-qbench.XXXXXX")}
mkdir -p "$W"
cleanup() { [ -n "${KEEP:-}${BENCH_DIR:-}" ] && echo "kept $W" || rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
export TZ=UTC HOME="$W/home"
mkdir -p "$HOME"
[ -x "$GEN" ] || { echo "bench_query: $GEN missing (make $BUILD/tests/bench/gen)"; exit 1; }
[ -x "$LOGDECK" ] || { echo "bench_query: $LOGDECK missing (make)"; exit 1; }

# build N: generates N records spanning the last 24 h and indexes them.
build() {
  n=$1; d="$W/corpus-$n"; db="$W/store-$n.db"
  [ -f "$db" ] && return 0
  now=$(date +%s)
  "$GEN" --lines "$n" --out "$d" --start $((now - 86400)) --span 86400 >/dev/null || exit 1
  t0=$(date +%s%N)
  "$LOGDECK" --db "$db" index "$d"/* >"$W/index-$n.out" 2>&1 || { cat "$W/index-$n.out"; exit 1; }
  t1=$(date +%s%N)
  echo "store $n: $(head -1 "$W/index-$n.out") (index wall $(( (t1 - t0) / 1000000 )) ms)"
  rm -rf "$d"
}

# ms CMD...: median wall time of RUNS runs, in ms (hyperfine if present).
ms() {
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$W/h.json" "$*" >/dev/null 2>&1
    sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$W/h.json" | head -1 |
      awk '{printf "%.1f", $1 * 1000}'
  else
    i=0; : >"$W/t"
    while [ $i -lt "$RUNS" ]; do
      t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
      echo $(( (t1 - t0) / 1000 )) >>"$W/t"; i=$((i + 1))
    done
    sort -n "$W/t" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'
  fi
}

row() { # label page_ms count_ms count
  printf '| %-34s | %9s | %9s | %10s |\n' "$1" "$2" "$3" "$4"
}

bench() {
  n=$1; db="$W/store-$n.db"
  L="$LOGDECK --db $db"
  cid=$($L query --json --limit 1 'cid:* file:worker.log' | sed -n 's/.*"cid":"\([^"]*\)".*/\1/p')
  echo
  echo "## $n records ($(du -m "$db" | cut -f1) MB store), times in ms (median of $RUNS, process start included)"
  echo
  row "query" "page(50)" "--count" "matches"
  row "----------------------------------" "---------" "---------" "----------"
  row "baseline: logdeck --version" "$(ms $LOGDECK --version)" "" ""
  row "trace $cid" "$(ms $L trace "$cid")" "" "$($L trace --json "$cid" | grep -c '^{"ts"')"
  for q in "cid:$cid" 'level>=error since:1h' 'level>=warning' 'timeout' 'synthesis' \
           '"connection reset"' 'service:tts-api' 'path:/api/v1/tts' 'duration_ms>1000' \
           'status>=500 since:1h'; do
    row "$q" "$(ms $L query --limit 50 "$q")" "$(ms $L query --count "$q")" "$($L query --count "$q")"
  done
  row "stats (all $n)" "$(ms $L stats)" "" ""
  row "stats --json --by service" "$(ms $L stats --json --by service)" "" ""
}

build 1000000
bench 1000000
if [ -n "${BENCH_10M:-}" ]; then
  build 10000000
  bench 10000000
fi
