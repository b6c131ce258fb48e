#!/bin/bash
# bench_views: the trace and metrics views on 1M-record stores (10M with
# BENCH_10M=1), not part of `make test`. Builds the stores like
# bench_query.sh (tests/bench/gen, the last 24 h, then `logdeck index`),
# runs the TUI in a private tmux server (120x40) with -v, and reads the
# view timings it logs (logdeck.log, diagnostics never go to the screen):
#   trace open:   `t` on a known cid -> the trace loaded (trace_load + layout)
#   metrics open: `m` -> the first part shown (stats over the last hour) and
#                 -> every part (stats by service and by path + two series scans)
# then the refresh cost while following: lines appended at RATE lines/s
# (default 5000) to a followed file; the metrics view refreshes in its
# background thread; reported: refresh compute times and the TUI's CPU.
# Targets (issue 6): trace < 50 ms, metrics over the last hour < 300 ms.
# Env: BUILD, LOGDECK, BENCH_10M=1, BENCH_DIR (reuse stores), KEEP=1, RATE, FOLLOW_S.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) GEN="$BUILD/tests/bench/gen" ;; *) GEN="$ROOT/$BUILD/tests/bench/gen" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
RATE=${RATE:-5000}
FOLLOW_S=${FOLLOW_S:-20}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/logdeck-vbench.XXXXXX")}
TS=ldvb$$
mkdir -p "$W"
cleanup() {
  tmux -L "$TS" kill-server 2>/dev/null
  [ -n "${FEED_PID:-}" ] && kill "$FEED_PID" 2>/dev/null
  [ -n "${KEEP:-}${BENCH_DIR:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export TZ=UTC HOME="$W/home" XDG_STATE_HOME="$W/state"
mkdir -p "$HOME"
LOG="$XDG_STATE_HOME/logdeck/logdeck.log"
[ -x "$GEN" ] || { echo "bench_views: $GEN missing (make $BUILD/tests/bench/gen)"; exit 1; }
[ -x "$LOGDECK" ] || { echo "bench_views: $LOGDECK missing (make)"; exit 1; }

build() {   # N: store-N.db and truth-N.txt
  n=$1; d="$W/corpus-$n"; db="$W/store-$n.db"
  [ -f "$db" ] && return 0
  now=$(date +%s)
  "$GEN" --lines "$n" --out "$d" --start $((now - 86400)) --span 86400 --truth "$W/truth-$n.txt" >/dev/null || exit 1
  "$LOGDECK" --db "$db" index "$d"/* >"$W/index-$n.out" 2>&1 || { cat "$W/index-$n.out"; exit 1; }
  rm -rf "$d"
}

screen() { tmux -L "$TS" capture-pane -p; }
wait_for() {   # SECONDS TEXT
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do screen | grep -qF -- "$2" && return 0; sleep 0.02; done
  return 1
}
wait_gone() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do screen | grep -qF -- "$2" || return 0; sleep 0.05; done
  return 1
}
start_tui() {   # DB [FILES...]
  local db=$1; shift
  tmux -L "$TS" kill-server 2>/dev/null
  : >"$LOG" 2>/dev/null || { mkdir -p "$(dirname "$LOG")"; : >"$LOG"; }
  tmux -L "$TS" -f /dev/null new-session -d -x 120 -y 40 \
    "env LANG=C.UTF-8 TZ=UTC HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' TERM=screen-256color '$LOGDECK' -v --db '$db' $*; sleep 600"
  wait_for 20 " records " || { echo "TUI did not start"; screen; exit 1; }
}

views() {   # N
  n=$1; build "$n"; db="$W/store-$n.db"
  cid=$(sed -n 's/^cid\.\([^ ]*\) .*/\1/p' "$W/truth-$n.txt" | head -1)
  start_tui "$db"
  for run in 1 2 3; do
    tmux -L "$TS" send-keys / C-u "cid:$cid" Enter
    wait_for 10 "cid:$cid │" && sleep 0.3
    tmux -L "$TS" send-keys t
    wait_for 10 " Trace $cid" || echo "trace did not open"
    tmux -L "$TS" send-keys Escape / C-u Enter
    sleep 0.3
  done
  for run in 1 2 3; do
    tmux -L "$TS" send-keys m
    wait_for 30 " Metrics " && wait_gone 60 "computing"
    tmux -L "$TS" send-keys l
    sleep 0.3
  done
  tmux -L "$TS" send-keys q
  sleep 0.3
  echo "== $n records ($(sed -n 's/^store:* *//p;1q' "$W/index-$n.out" | head -c 0)cid $cid)"
  grep -E "^trace: .* loaded" "$LOG" | sed 's/^/  /'
  grep -E "^metrics: " "$LOG" | sed 's/^/  /'
}

follow() {   # N: metrics view open while RATE lines/s are appended
  n=$1; db="$W/store-$n.db"
  live="$W/live"; rm -rf "$live"; mkdir -p "$live"
  lines=$((RATE * (FOLLOW_S + 5)))
  "$GEN" --lines "$lines" --out "$W/feed" --start "$(date +%s)" --span $((FOLLOW_S + 5)) >/dev/null
  : >"$live/api.jsonl"
  start_tui "$db" "$live/api.jsonl"
  tmux -L "$TS" send-keys m
  wait_for 30 " Metrics " && wait_gone 60 "computing"
  : >"$LOG"
  pid=$(pgrep -f -n "logdeck -v --db $db") || pid=
  t0=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null | awk '{ print $1 + $2 }')
  chunk=$((RATE / 10))
  ( i=0; while :; do sed -n "$((i + 1)),$((i + chunk))p" "$W/feed/api.jsonl" >>"$live/api.jsonl"; i=$((i + chunk)); sleep 0.1; done ) &
  FEED_PID=$!
  sleep "$FOLLOW_S"
  kill "$FEED_PID"; FEED_PID=
  t1=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null | awk '{ print $1 + $2 }')
  tk=$(getconf CLK_TCK)
  echo "== following at $RATE lines/s for ${FOLLOW_S}s on the $n store, metrics view open"
  grep -E "^metrics: .*computed" "$LOG" | awk '{ for (i = 1; i <= NF; i++) if ($i == "in") { v = $(i + 1); s += v; if (v > m) m = v; c++ } }
    END { if (c) printf "  %d refreshes, compute mean %.1f ms, max %.1f ms\n", c, s / c, m; else print "  no refresh" }'
  awk -v a="$t0" -v b="$t1" -v tk="$tk" -v s="$FOLLOW_S" 'BEGIN { printf "  TUI process CPU (UI + feeder + metrics thread): %.0f%% of one core\n", (b - a) / tk / s * 100 }'
  tmux -L "$TS" send-keys q
}

views 1000000
[ -n "${BENCH_10M:-}" ] && views 10000000
follow 1000000
