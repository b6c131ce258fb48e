#!/bin/bash
# bench_store: the store v3 benchmark (issue 12; part of `make bench`, not a
# pass/fail test). On a production-shaped corpus (tests/bench/gen --wide:
# ~75% JSON lines of 200-330 bytes with 8-14 keys, ECS dotted keys, nested
# objects, Python text with tracebacks, metric lines, ~200k request ids per
# 1M lines, 5000 customers, a million client addresses) it measures, in the
# same run, each target beside its reference:
#   ingest       logdeck index (wall, peak RSS)   vs  lnav -n load of the same files
#   size         store + WAL after the run        vs  raw bytes, and each
#                table's and index's share (dbstat)
#   questions    logdeck query --count / first page of 50, process start
#                included                         vs  rg -c on the raw files
#                (counts are compared: "exact" says they agree)
#   stats        stats, stats --by path/service   vs  the target (no reference
#                engine is installed; sqlite3 GROUP BY on the store's own
#                path column is shown as the floor)
#   metrics      the metrics view's full first frame: `m` in the TUI (tmux,
#                120x40, -v) until every part is computed, as the view logs
#                it (median of 3), beside the same sqlite3 floor; the
#                corpus spans one hour, so the view's hour holds every record
#   start        query --count on a small store   vs  sqlite3 STORE 'select 1'
# Times are hyperfine medians (RUNS runs, 1 warm-up: the page cache is warm
# for both sides). Env: NLINES (default 1000000), BENCH_10M=1 (also 10M),
# NO_LNAV=1 skips the lnav load (unset or 0: it runs), NO_METRICS=1 skips the
# metrics view (it needs tmux),
# RUNS (default 5), LOGDECK, BUILD, KEEP=1, BENCH_DIR (reuse corpora/stores).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) GEN="$BUILD/tests/bench/gen" ;; *) GEN="$ROOT/$BUILD/tests/bench/gen" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
RUNS=${RUNS:-5}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/logdeck-sbench.XXXXXX")}
mkdir -p "$W"
TS=ldsb$$
cleanup() {
  tmux -L "$TS" kill-server 2>/dev/null
  [ -n "${KEEP:-}${BENCH_DIR:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export TZ=UTC HOME="$W/home" XDG_STATE_HOME="$W/home/.state"
mkdir -p "$HOME/.lnav/formats/installed"
# lnav reads JSON lines as logs only with a format: tests/bench/lnav/ has
# one per JSON file of the corpus (worker.log is its generic_log).
cp "$ROOT/tests/bench/lnav/"*.json "$HOME/.lnav/formats/installed/"
for t in hyperfine rg; do
  command -v $t >/dev/null 2>&1 || { echo "bench_store: $t is needed (apt-get install $t)"; exit 0; }
done
[ -x "$GEN" ] && [ -x "$LOGDECK" ] || { echo "bench_store: build first (make bench)"; exit 1; }

# ms CMD...: median wall ms over RUNS runs (no shell; exit status ignored:
# rg -c exits 1 for a file without a match).
ms() {
  hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$W/h.json" "$(printf '%q ' "$@")" \
    >/dev/null 2>&1 || { echo "fail"; return; }
  sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$W/h.json" | head -1 | awk '{printf "%.1f", $1 * 1000}'
}
# shms CMD: the same for a shell pipeline.
shms() {
  hyperfine --warmup 1 --runs "$RUNS" -S sh --export-json "$W/h.json" "$1" >/dev/null 2>&1 ||
    { echo "fail"; return; }
  sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$W/h.json" | head -1 | awk '{printf "%.1f", $1 * 1000}'
}
# metrics_ms DB: median ms of 3 openings of the metrics view until every
# part is computed ("metrics: N records, computed in X ms" in the -v log),
# or "-" without tmux or a figure.
metrics_ms() {
  command -v tmux >/dev/null 2>&1 && [ "${NO_METRICS:-0}" = 0 ] || { echo "-"; return; }
  log="$XDG_STATE_HOME/logdeck/logdeck.log"
  mkdir -p "$(dirname "$log")"; : >"$log"
  tmux -L "$TS" kill-server 2>/dev/null
  tmux -L "$TS" -f /dev/null new-session -d -x 120 -y 40 \
    "env LANG=C.UTF-8 TZ=UTC HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' TERM=screen-256color '$LOGDECK' -v --db '$1'; sleep 600"
  end=$(( $(date +%s) + 60 ))
  until tmux -L "$TS" capture-pane -p | grep -qF " records "; do
    [ "$(date +%s)" -le "$end" ] || { echo "-"; return; }
    sleep 0.05
  done
  for i in 1 2 3; do
    tmux -L "$TS" send-keys m
    until_n "$log" "$i" 120 || break
    tmux -L "$TS" send-keys l
  done
  tmux -L "$TS" send-keys q
  tmux -L "$TS" kill-server 2>/dev/null
  grep '^metrics: .*computed in' "$log" | sed 's/.* computed in \([0-9.]*\) ms.*/\1/' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}
# until_n LOG N SECONDS: waits until LOG holds N computed frames.
until_n() {
  end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(grep -c '^metrics: .*computed in' "$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}
rss_run() { # OUT CMD...: runs CMD, prints "wall_s rss_mb cpu_s" (cpu: user + system)
  out=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$W/time" "$@" >"$out" 2>&1
  awk '{printf "%s %.1f %.2f", $1, $2 / 1024, $3 + $4}' "$W/time"
}
row() { printf "%-34s %10s %12s %8s  %s\n" "$1" "$2" "$3" "$4" "$5" >>"$TABLE"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf (b / a < 1 ? "%.2fx" : "%.1fx"), b / a; else print "-" }'; }

one_size() {
  n=$1; d="$W/corpus-$n"; db="$W/store-$n.db"; TABLE="$W/table-$n"; : >"$TABLE"
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  if [ ! -d "$d" ]; then
    echo "bench_store: generating $n records"
    "$GEN" --wide --lines "$n" --out "$d" --truth "$W/truth-$n" >/dev/null || exit 1
  fi
  files=$(ls "$d"/*)
  raw=$(cat "$d"/* | wc -c)
  rec=$(sed -n 's/^records //p' "$W/truth-$n")
  if [ ! -f "$db" ]; then
    echo "bench_store: logdeck index ($n records, $((raw / 1000000)) MB)"
    # shellcheck disable=SC2086
    set -- $(rss_run "$W/index-$n.out" "$LOGDECK" --db "$db" index $files)
    iw=$1 irss=$2 icpu=$3
    echo "$iw $irss $icpu" >"$W/index-$n.fig"
  else
    set -- $(cat "$W/index-$n.fig") -; iw=$1 irss=$2 icpu=$3
  fi
  lw=- lrss=- lrec=- lcpu=-
  if command -v lnav >/dev/null 2>&1 && [ "${NO_LNAV:-0}" = 0 ]; then
    echo "bench_store: lnav -n load"
    # shellcheck disable=SC2086
    set -- $(rss_run "$W/lnav-$n.out" lnav -n -c ';SELECT count(*) AS n FROM all_logs' \
             -c ':write-csv-to -' $files)
    lw=$1 lrss=$2 lcpu=$3
    lrec=$(grep -x '[0-9]\+' "$W/lnav-$n.out" | tail -1)
  fi
  {
    echo "== $n records, $(awk -v b="$raw" 'BEGIN{printf "%.0f", b/1e6}') MB raw, $(echo $files | wc -w) files"
    printf "%-34s %10s %12s %8s  %s\n" question logdeck reference ratio "target / note"
  } >"$TABLE"
  row "ingest wall s (logdeck vs lnav)" "$iw" "$lw" "$(ratio "$iw" "$lw")" \
      ">= 1.0x (aim 1.5x); lnav read ${lrec} messages, logdeck $rec records"
  row "ingest peak RSS MB" "$irss" "$lrss" "" "< 64 MB"
  row "ingest CPU s (user + system)" "$icpu" "$lcpu" "$(ratio "$icpu" "$lcpu")" \
      "both sides' threads; lnav keeps no full-text or field index"
  sz=$(( $(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0) ))
  row "store MB (db + wal) vs raw MB" "$(awk -v b="$sz" 'BEGIN{printf "%.1f", b/1e6}')" \
      "$(awk -v b="$raw" 'BEGIN{printf "%.1f", b/1e6}')" \
      "$(awk -v a="$sz" -v b="$raw" 'BEGIN{printf "%.2f", a/b}')" "<= 0.50 of raw"
  # where the bytes are: each table and index (dbstat, after a checkpoint)
  sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null 2>&1
  sqlite3 "$db" "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC" 2>/dev/null |
    awk -F'|' -v raw="$raw" '$2 >= 100000 { printf "  %-24s %7.1f MB  %5.3f of raw\n", $1, $2 / 1e6, $2 / raw }
                             $2 < 100000 { rest += $2 }
                             END { printf "  %-24s %7.1f MB\n", "(the rest)", rest / 1e6 }' >"$W/sizes-$n"
  "$LOGDECK" --db "$db" query --count '' >/dev/null   # warm the page cache

  # field equality: NAME QUERY RG-ARGS... (rg -c summed over files)
  fq() {
    name=$1 q=$2; shift 2
    got=$("$LOGDECK" --db "$db" query --count "$q" 2>&1)
    want=$(rg -c --no-filename "$@" $files | awk '{s+=$1} END {print s+0}')
    lc=$(ms "$LOGDECK" --db "$db" query --count "$q")
    lp=$(ms "$LOGDECK" --db "$db" query --limit 50 "$q")
    # shellcheck disable=SC2086
    rc=$(ms rg -c "$@" $files)
    ok=exact; [ "$got" = "$want" ] || ok="COUNT DIFFERS: logdeck $got, rg $want"
    row "$name count" "$lc" "$rc" "$(ratio "$lc" "$rc")" ">= 10x rg; n=$got $ok"
    row "$name first page" "$lp" "$rc" "$(ratio "$lp" "$rc")" ">= 10x rg"
  }
  fq "customer_id:customer_7 (0.01%)" 'customer_id:customer_7' -F '"customer_id": "customer_7"'
  fq "client_ip:10.0.1.213 (high card.)" 'client_ip:10.0.1.213' -F '"client_ip": "10.0.1.213"'
  fq "path:/api/v1/tts (path/url.path/endpoint)" 'path:/api/v1/tts' \
     -e '"(path|url\.path|endpoint)": "/api/v1/tts"'
  fq "method:POST (low card.)" 'method:POST' -F '"method": "POST"'
  fq "http.request.method:POST (ECS)" 'http.request.method:POST' -F '"http.request.method": "POST"'
  fq "process.id:1234 (nested)" 'process.id:1234' -F '"process": {"name": "MainProcess", "id": 1234}'
  fq "path:/api/v1/tts* (prefix glob)" 'path:/api/v1/tts*' \
     -e '"(path|url\.path|endpoint)": "/api/v1/tts[^"]*"'
  fq "client_ip:10.0.1.* (address prefix glob)" 'client_ip:10.0.1.*' -F '"client_ip": "10.0.1.'
  fq "generate_content (traceback text)" 'generate_content' -F 'generate_content'
  fq "ResourceExhausted (full text)" 'ResourceExhausted' -F 'ResourceExhausted'
  for q in 'duration_ms>1000' 'status>=500'; do
    n2=$("$LOGDECK" --db "$db" query --count "$q")
    row "$q count (n=$n2)" "$(ms "$LOGDECK" --db "$db" query --count "$q")" "-" "" \
        "< 200 ms at 10M (no rg equivalent)"
  done
  for q in 'level>=error service:gateway' 'status>=500 path:/api/v1/tts*'; do
    n2=$("$LOGDECK" --db "$db" query --count "$q")
    row "$q count (n=$n2)" "$(ms "$LOGDECK" --db "$db" query --count "$q")" "-" "" \
        "two conditions, counted from the per-minute cells (no target, no rg equivalent)"
  done
  fl=$(ms sqlite3 "$db" 'SELECT path, count(*) FROM records GROUP BY path')
  for a in "" "--by path" "--by service"; do
    # shellcheck disable=SC2086
    row "stats $a" "$(ms "$LOGDECK" --db "$db" stats $a)" "$fl" "" \
        "< 300 ms at 1M, < 1.5 s at 10M (ref: sqlite3 GROUP BY path)"
  done
  # a filter the rollups cannot apply: one scan of the matching records
  # (they are read in rec_dur's order, all over the file)
  fs=$(ms sqlite3 "$db" 'SELECT service, count(*), avg(duration) FROM records WHERE duration > 100 GROUP BY service')
  row "stats --by service 'duration_ms>100' (scan)" \
      "$(ms "$LOGDECK" --db "$db" stats --by service 'duration_ms>100')" "$fs" "" \
      "no target (ref: sqlite3 GROUP BY service of the same rows)"
  row "metrics view, full first frame" "$(metrics_ms "$db")" "$fl" "" \
      "< 500 ms at 10M (every record in the view's hour; ref: as stats)"
  row "load average (start -> end)" "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)" "" ""
  cat "$TABLE"
  echo "store by table and index (raw $(awk -v b="$raw" 'BEGIN{printf "%.1f", b/1e6}') MB):"
  cat "$W/sizes-$n"
  echo
}

one_size "${NLINES:-1000000}"
[ -n "${BENCH_10M:-}" ] && one_size 10000000

# process start on a small store
small="$W/small.db"
[ -f "$small" ] || { "$GEN" --lines 2000 --out "$W/small" >/dev/null && "$LOGDECK" --db "$small" index "$W"/small/* >/dev/null; }
a=$(ms "$LOGDECK" --db "$small" query --count timeout)
b=$(ms sqlite3 "$small" 'select 1')
printf "%-34s %10s %12s %8s  %s\n" "start: query --count (2k store)" "$a" "$b" \
  "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')" "within 1.5x of sqlite3 (ratio = logdeck/sqlite3)"
exit 0
