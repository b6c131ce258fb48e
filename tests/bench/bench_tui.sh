#!/bin/bash
# bench_tui: the TUI's figures (not part of `make test`), on stores of 1M
# records (and 10M with BENCH_10M=1) in the seed formats:
#   first frame     from tui_run() to the first screen drawn (logged by
#                   `logdeck -v`), and from launching the process in tmux
#                   to that frame; median of RUNS starts
#   key -> redraw   per keypress, from the key read to the screen updated
#                   (logged by -v): scroll (j/k), page (PgUp/PgDn), jump
#                   (g/G), query change (typing a query, live filtering:
#                   the key is drawn at once, the new first page is read
#                   by a background thread); results: from the key to the
#                   new query's first page on the screen
#   peak RSS        VmHWM of the TUI after all of the above
#   follow latency  a line appended to a followed file -> visible on the
#                   screen (tmux capture-pane polled every 10 ms)
# Targets (design.md): first frame < 150 ms, RSS < 64 MB whatever the
# store size, key -> redraw < 30 ms, append -> screen < 250 ms.
# Env: BUILD (default build), LOGDECK, RUNS (default 5), BENCH_10M=1,
# BENCH_DIR (reuse stores there: store-1m.db, store-10m.db), KEEP=1.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) GEN="$BUILD/tests/bench/gen" ;; *) GEN="$ROOT/$BUILD/tests/bench/gen" ;; esac
LOGDECK=${LOGDECK:-$ROOT/logdeck}
RUNS=${RUNS:-5}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/logdeck-tbench.XXXXXX")}
mkdir -p "$W"
S=ldbench$$
export TMUX_TMPDIR="$W" TZ=UTC HOME="$W/home" LANG=C.UTF-8
mkdir -p "$HOME"
cleanup() {
  tmux -L "$S" kill-server 2>/dev/null
  [ -n "${KEEP:-}${BENCH_DIR:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v tmux >/dev/null || { echo "bench_tui: tmux is needed"; exit 1; }
[ -x "$GEN" ] || { echo "bench_tui: $GEN missing (make $BUILD/tests/bench/gen)"; exit 1; }

build() { # N NAME: a store of N records spanning the last 10 days
  db="$W/store-$2.db"
  [ -f "$db" ] && return 0
  now=$(date +%s)
  "$GEN" --lines "$1" --out "$W/corpus" --start $((now - 864000)) --span 864000 >/dev/null || exit 1
  "$LOGDECK" --db "$db" index "$W/corpus"/* >"$W/index-$2.out" 2>&1 || { cat "$W/index-$2.out"; exit 1; }
  rm -rf "$W/corpus"
}

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# start DB STATE [ARGS...]: the TUI, verbose, logging to STATE/logdeck/logdeck.log,
# in the benchmark's tmux server (started once: a server's own start-up is
# not logdeck's); the pane is respawned for each run.
start() {
  local db=$1 st=$2; shift 2
  rm -rf "$st"; mkdir -p "$st"
  local cmd="env XDG_STATE_HOME='$st' TERM=screen-256color '$LOGDECK' -v --db '$db' $*; sleep 600"
  if tmux -L "$S" has-session 2>/dev/null; then
    stop_tui
    tmux -L "$S" respawn-pane -k -t bench "$cmd"
  else
    tmux -L "$S" -f /dev/null new-session -d -s bench -x 120 -y 40 "$cmd"
  fi
}
log_of() { echo "$1/logdeck/logdeck.log"; }
wait_for() { # FILE PATTERN: up to 20 s
  local i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do i=$((i + 1)); [ $i -gt 400 ] && return 1; sleep 0.05; done
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR+1)/2)]; else printf "-"}'; }
p95() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f", a[int(NR*0.95+0.999)]; else printf "-"}'; }
maxv() { sort -n | tail -1 | awk '{printf "%.1f", $1}'; }

first_frame() { # DB -> "internal_ms external_ms"
  local db=$1 i=0 st="$W/state" ints="" exts=""
  : >"$W/ff.int"; : >"$W/ff.ext"
  while [ $i -lt "$RUNS" ]; do
    stop_tui_if_any
    t0=$(now_us)
    start "$db" "$st"
    wait_for "$(log_of "$st")" "first frame" || { echo "no first frame"; return 1; }
    line=$(grep "first frame" "$(log_of "$st")" | head -1)
    echo "$line" | sed 's/.*frame \([0-9.]*\) ms.*/\1/' >>"$W/ff.int"
    rt=$(echo "$line" | sed 's/.*realtime \([0-9]*\) us.*/\1/')
    awk -v a="$t0" -v b="$rt" 'BEGIN {printf "%.1f\n", (b - a) / 1000}' >>"$W/ff.ext"
    i=$((i + 1))
  done
  echo "$(median <"$W/ff.int") $(median <"$W/ff.ext")"
}

# phase NAME KEYS...: sends each key (one per 80 ms), collects the redraw times
phase() {
  local name=$1 log; shift
  log=$(log_of "$W/state")
  local before; before=$(grep -c "redraw" "$log")
  for k in "$@"; do
    if [ ${#k} -eq 1 ]; then tmux -L "$S" send-keys -l -- "$k"; else tmux -L "$S" send-keys "$k"; fi
    sleep 0.08
  done
  sleep 0.5
  grep "redraw" "$log" | tail -n +$((before + 1)) | tee -a "$W/redraws.log" | sed 's/.*redraw \([0-9.]*\) ms.*/\1/' >"$W/ph.$name"
}
keysend() { # literal text one char at a time
  local s=$1 i
  for ((i = 0; i < ${#s}; i++)); do printf '%s\n' "${s:$i:1}"; done
}

keys_bench() { # DB
  start "$1" "$W/state"
  wait_for "$(log_of "$W/state")" "first frame" || return 1
  local j20=() k20=() i
  for i in $(seq 20); do j20+=(k); done
  phase scroll "${j20[@]}" j j j j j j j j j j
  tmux -L "$S" send-keys G; sleep 0.2
  phase page PPage PPage PPage PPage PPage NPage NPage NPage PPage PPage
  phase jump g G g G
  mapfile -t q1 < <(keysend 'level>=error service:api')
  mapfile -t q2 < <(keysend 'timeout')
  local res_before=0
  for pass in cold warm; do   # cold: the first time these pages are read
    tmux -L "$S" send-keys /; sleep 0.2
    phase q1 "${q1[@]}"
    tmux -L "$S" send-keys C-u; sleep 0.3
    phase q2 "${q2[@]}"
    cat "$W/ph.q1" "$W/ph.q2" >"$W/ph.query-$pass"
    grep "results shown" "$(log_of "$W/state")" | tail -n +$((res_before + 1)) |
      tee -a "$W/redraws.log" | sed 's/.*shown \([0-9.]*\) ms.*/\1/' >"$W/ph.results-$pass"
    res_before=$(grep -c "results shown" "$(log_of "$W/state")")
    tmux -L "$S" send-keys C-u Enter; sleep 0.3
  done
  RSS=$(rss_kb)
}

tui_pid() { ps -o pid= --ppid "$(tmux -L "$S" display -p -t bench '#{pane_pid}')" | head -1 | tr -d ' '; }
stop_tui_if_any() { tmux -L "$S" has-session 2>/dev/null && stop_tui; return 0; }
stop_tui() { # ends the logdeck this script started in the pane, and waits for it
  local pid i=0
  pid=$(tui_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
rss_kb() { # peak RSS (VmHWM) of the logdeck in the pane
  local pid
  pid=$(tui_pid)
  sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null
}

follow_latency() { # DB -> "median max" ms over 20 appends
  mkdir -p "$W/live"; : >"$W/live/app.jsonl"
  start "$1" "$W/state" "'$W/live/app.jsonl'"
  wait_for "$(log_of "$W/state")" "first frame" || return 1
  sleep 1
  : >"$W/lat"
  for i in $(seq 20); do
    tok="appended-$i-$$"
    t0=$(now_us)
    printf '{"timestamp":"%s","level":"info","service":"bench","event":"%s"}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" "$tok" >>"$W/live/app.jsonl"
    n=0
    until tmux -L "$S" capture-pane -p | grep -q "$tok"; do
      n=$((n + 1)); [ $n -gt 500 ] && break; sleep 0.01
    done
    echo $(( ($(now_us) - t0) / 1000 )) >>"$W/lat"
    sleep 0.2
  done
  echo "$(median <"$W/lat") $(maxv <"$W/lat")"
}

report() { # NAME DB
  local name=$1 db=$2 ff lat
  ff=$(first_frame "$db")
  keys_bench "$db"
  lat=$(follow_latency "$db")
  printf '\n== %s store: %s records, %s\n' "$name" \
    "$("$LOGDECK" --db "$db" query --count '' 2>/dev/null)" "$(du -h "$db" | cut -f1)"
  printf '%-28s %10s %10s %10s   %s\n' "measure" "median" "p95" "max" "target"
  printf '%-28s %10s %10s %10s   %s\n' "first frame (tui_run) ms" "${ff% *}" "" "" "< 150"
  printf '%-28s %10s %10s %10s   %s\n' "first frame (exec) ms" "${ff#* }" "" "" "< 150"
  for p in scroll page jump query-cold query-warm results-cold results-warm; do
    printf '%-28s %10s %10s %10s   %s\n' "key->redraw $p" "$(median <"$W/ph.$p")" \
      "$(p95 <"$W/ph.$p")" "$(maxv <"$W/ph.$p")" "< 30"
  done
  printf '%-28s %10s %10s %10s   %s\n' "peak RSS MB" "$(awk -v k="${RSS:-0}" 'BEGIN {printf "%.1f", k/1024}')" "" "" "< 64"
  printf '%-28s %10s %10s %10s   %s\n' "append->screen ms" "${lat% *}" "" "${lat#* }" "< 250"
}

build 1000000 1m
report 1M "$W/store-1m.db"
if [ -n "${BENCH_10M:-}" ]; then
  build 10000000 10m
  report 10M "$W/store-10m.db"
fi
