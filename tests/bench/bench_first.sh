#!/bin/bash
# bench_first: the first minute on a box (issue 13). A corpus of N lines in
# the seed formats (tests/bench/gen, ~250 B a line) plus one newest line
# appended to the live file; a FRESH store; tmux 120x40. Measured, side by
# side in the same run:
#   logdeck DIR   launch -> the newest line on screen; then '?' -> the help
#                 drawn (the UI answers keys while it indexes);
#                 launch -> every byte indexed (store info: history complete)
#   lnav FILES    launch -> the newest line on screen
#   index         plain `logdeck index DIR` on the same files into another
#                 fresh store (wall time), against the TUI's total above;
#                 the TUI's CPU time per thread (the UI and its query jobs
#                 against the follower, store and WAL threads) and how long
#                 its threads waited for a CPU (runnable, not running)
# at 1M lines and (BENCH_5M=0 skips it) 5M lines: the time to the newest
# line must not grow with history. Targets: newest line < 1 s.
# Env: BUILD (default build), LOGDECK, SIZES (default "1000000 5000000"),
# KEEP=1, INDEX_FIRST=1 (the plain index before the TUI, not after).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) GEN="$BUILD/tests/bench/gen" ;; *) GEN="$ROOT/$BUILD/tests/bench/gen" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
SIZES=${SIZES:-1000000 5000000}
[ "${BENCH_5M:-1}" = 0 ] && SIZES=1000000
W=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-first.XXXXXX")
S=ldfirst$$
export TMUX_TMPDIR="$W" TZ=UTC HOME="$W/home" LANG=C.UTF-8
mkdir -p "$HOME"
cleanup() {
  tmux -L "$S" kill-server 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v tmux >/dev/null || { echo "bench_first: tmux is needed"; exit 1; }
[ -x "$GEN" ] || { echo "bench_first: $GEN missing (make $BUILD/tests/bench/gen)"; exit 1; }

# no size cap: every byte is indexed, as the plain index does
printf 'store:\n  max_size: 0\n' >"$W/nocap.yaml"
LD="'$LOGDECK' --config '$W/nocap.yaml'"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# launch CMD: a new tmux server and session running CMD, 120x40
launch() {
  tmux -L "$S" kill-server 2>/dev/null
  tmux -L "$S" -f /dev/null new-session -d -s b -x 120 -y 40 "$1; sleep 600"
}
# wait_screen TEXT SECS: polls the pane every 10 ms; prints ms since T0, or "timeout"
wait_screen() {
  local end=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if tmux -L "$S" capture-pane -p -t b 2>/dev/null | grep -qF -- "$1"; then
      echo $(( $(now_ms) - T0 )); return 0
    fi
    sleep 0.01
  done
  echo "timeout (screen: $(tmux -L "$S" capture-pane -p -t b 2>/dev/null | grep -v '^ *$' | tail -3 | cut -c1-60 | tr '\n' '|'))"
}
# complete: history fully indexed, and at least one file known (a store the
# TUI has just created says "partial":false before its first file row)
complete() {
  local j; j=$("$LOGDECK" --config "$W/nocap.yaml" --db "$1" store info --json 2>/dev/null)
  case $j in *'"partial":false'*) ;; *) return 1 ;; esac
  case $j in *'"files":0,'*) return 1 ;; esac
}

# thread_split PID: "UI+jobs U s, follower F s, store S s, WAL W s; waited for a CPU Q s"
thread_split() {
  local d c t r q ui=0 fo=0 st=0 wal=0 rq=0
  for d in /proc/$1/task/*; do
    read -r c <"$d/comm" 2>/dev/null || continue
    t=$(awk '{print $14 + $15}' "$d/stat" 2>/dev/null) || continue
    read -r r q _ <"$d/schedstat" 2>/dev/null && rq=$((rq + q / 10000000))
    case $c in
      ld-follow|ld-grab) fo=$((fo + t)) ;; ld-store) st=$((st + t)) ;; ld-wal) wal=$((wal + t)) ;;
      *) ui=$((ui + t)) ;;
    esac
  done
  awk -v u=$ui -v f=$fo -v s=$st -v w=$wal -v q=$rq 'BEGIN {
    printf "UI+jobs %.2f s, follower %.1f s, store %.1f s, WAL %.1f s; waited for a CPU %.1f s",
      u / 100, f / 100, s / 100, w / 100, q / 100 }'
}

# index_alone DIR N: plain index into another fresh store (the load
# drifts: its figures pair with the TUI's; INDEX_FIRST=1 runs it before the
# TUI, else right after), watched the way the TUI is: `store info` every
# 0.2 s until it is complete (five processes a second reading the store;
# without them the index ran 5-15% faster than the TUI it was compared
# with, which had them). Sets t_idx (ms) and idx_cpu (s).
index_alone() {
  local dir=$1 n=$2 end
  rm -f "$W/idx-$n.db"*
  T0=$(now_ms)
  /usr/bin/time -f "%U %S" -o "$W/idx.time" \
    "$LOGDECK" --config "$W/nocap.yaml" --db "$W/idx-$n.db" index "$dir" >/dev/null 2>&1 &
  local ipid=$!
  t_idx=timeout
  end=$(( $(now_ms) + 600000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if complete "$W/idx-$n.db" && ! kill -0 "$ipid" 2>/dev/null; then t_idx=$(( $(now_ms) - T0 )); break; fi
    sleep 0.2
  done
  wait "$ipid"
  idx_cpu=$(awk '{printf "%.1f", $1 + $2}' "$W/idx.time")
}

run_size() {
  local n=$1 dir="$W/logs-$n" mark="NEWEST-LINE-$$-$n"
  rm -rf "$dir"
  "$GEN" --lines "$n" --out "$dir" >/dev/null || exit 1
  # the newest line, in the Python text file: lnav shows that one in its log
  # view at start (the JSON files it opens as plain text)
  printf '%s,000 - bench.first - INFO - %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$mark" \
    >>"$dir/worker.log"
  local bytes=$(du -cb "$dir"/* | tail -1 | cut -f1)
  sync
  echo "bench_first: $n lines, $((bytes / 1000000)) MB in 5 files"

  local t_idx idx_cpu
  [ "${INDEX_FIRST:-0}" = 1 ] && index_alone "$dir" "$n"
  # logdeck on a fresh store
  local db="$W/tui-$n.db"
  rm -f "$db"*
  T0=$(now_ms)
  launch "env XDG_STATE_HOME='$W/st' TERM=screen-256color $LD --db '$db' '$dir'"
  local ld_new=$(wait_screen "$mark" 60)
  T0=$(now_ms)
  tmux -L "$S" send-keys -t b '?'
  local ld_key=$(wait_screen "logdeck keys" 10)
  tmux -L "$S" send-keys -t b q
  local t_all=timeout end=$(( $(now_ms) + 600000 )) ld_cpu="?" pid
  while [ "$(now_ms)" -lt "$end" ]; do
    if complete "$db"; then t_all=$(( $(now_ms) - T0 + ld_new )); break; fi
    sleep 0.2
  done
  # its CPU time (every thread): under load the wall times of two runs
  # differ by +-30%, the CPU they cost much less
  pid=$(pgrep -n -f -- "--db $db $dir")
  [ -n "$pid" ] && ld_cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$pid/stat")
  # where it went, per thread (their names: src/base/thread.c): the UI
  # thread and its query jobs against the indexing path (the follower
  # parses, the store thread writes, the WAL thread checkpoints); and how
  # long they waited for a CPU (runnable, not running: the machine's load)
  local split="?"
  [ -n "$pid" ] && split=$(thread_split "$pid")
  # a second start on the store: the first frame with the newest line (the
  # first one quit with q and gone)
  tmux -L "$S" send-keys -t b q
  local end2=$(( $(now_ms) + 30000 ))
  while pgrep -f -- "--db $db" >/dev/null && [ "$(now_ms)" -lt "$end2" ]; do sleep 0.05; done
  tmux -L "$S" kill-server 2>/dev/null
  T0=$(now_ms)
  launch "env XDG_STATE_HOME='$W/st' TERM=screen-256color $LD --db '$db' '$dir'"
  local ld_again=$(wait_screen "$mark" 30)
  tmux -L "$S" kill-server 2>/dev/null
  [ "${INDEX_FIRST:-0}" = 1 ] || index_alone "$dir" "$n"

  # lnav on the same files
  local ln_new="not installed"
  if command -v lnav >/dev/null; then
    T0=$(now_ms)
    launch "TERM=screen-256color lnav '$dir'/*"
    ln_new=$(wait_screen "$mark" 120)
    tmux -L "$S" kill-server 2>/dev/null
  fi

  printf '  %-44s %10s ms   (lnav: %s ms)\n' "newest line on screen, fresh store" "$ld_new" "$ln_new"
  printf '  %-44s %10s ms\n' "then '?' -> help drawn (UI answers keys)" "$ld_key"
  printf '  %-44s %10s ms   (logdeck index alone: %s ms)\n' "launch -> all history indexed" "$t_all" "$t_idx"
  printf '  %-44s %10s s    (logdeck index alone: %s s)\n' "  CPU time for it (user + system)" "$ld_cpu" "$idx_cpu"
  printf '  %-44s %s\n' "  its threads" "$split"
  printf '  %-44s %10s ms\n' "second start: newest line on screen" "$ld_again"
  printf '  %-44s %s\n' "load average (1, 5, 15 min)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$dir" "$W/tui-$n.db"* "$W/idx-$n.db"*
}

for n in $SIZES; do run_size "$n"; done
