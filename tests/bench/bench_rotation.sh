#!/bin/bash
# Rotation scenarios end to end (issue 11's closing table): real producers
# (Python's RotatingFileHandler and TimedRotatingFileHandler, logrotate
# copytruncate / create / compress when installed, loguru-style
# rename-then-compress gz and zip, rotation while logdeck is stopped, with
# and without deletion, and a kill -9 storm) write numbered lines while
# `logdeck index --follow` follows them; checkseq then compares the store
# with what was written. Prints one row per scenario:
#   lines written / stored / missing / duplicated / reported lost (lines,
#   files unread, losses of unknown size: a file's lines after its
#   checkpoint and any files rotated after it, deleted while logdeck was
#   down) / estimated lost (copytruncate races never seen: the indexer's
#   last status line, not the store; "-" none) / out of order
# Figures, not a pass/fail test. Env: BUILD, LOGDECK, KEEP=1, ONLY=pattern.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGDECK=${LOGDECK:-$ROOT/logdeck}
WR=$ROOT/$BUILD/tests/tools/writer CK=$ROOT/$BUILD/tests/tools/checkseq
PY=$ROOT/tests/bench/pylog.py
W=$(mktemp -d "${TMPDIR:-/tmp}/logdeck-rot.XXXXXX")
IDX=
cleanup() { [ -n "$IDX" ] && kill -9 "$IDX" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"; }
trap cleanup EXIT
export TZ=UTC HOME="$W/home"
mkdir -p "$HOME"

printf '%-26s %8s %8s %8s %6s %12s %6s %6s  %s\n' scenario written stored missing dup "lost(l/f/u)" est order note
# the status line is printed at exit (and every 60 s): the estimate is there
start() { "$LOGDECK" index --follow --status-interval 60 "$@" 2>>"$D/idx.err" & IDX=$!
  for _ in $(seq 100); do grep -q following "$D/idx.err" 2>/dev/null && break; sleep 0.1; done; }
start_now() { "$LOGDECK" index --follow --status-interval 60 "$@" 2>>"$D/idx.err" & IDX=$!; }
stop() { [ -n "$IDX" ] && { kill -TERM "$IDX"; wait "$IDX"; IDX=; }; }
catchup() { # wait (up to 60 s) until the store stops changing and checkseq passes
  local prev=-1 n i
  for i in $(seq 120); do
    "$CK" --allow-loss "$LOGDECK_DB" "$D/rec" >/dev/null 2>&1 && return 0
    n=$("$CK" --dump "$LOGDECK_DB" 2>/dev/null | wc -l)
    [ "$n" = "$prev" ] && [ "$i" -gt 20 ] && return 1
    prev=$n; sleep 0.5
  done
}
case_begin() { NAME=$1; D="$W/$1"; mkdir -p "$D/log"; export LOGDECK_DB="$D/store.db"; NOTE=""
  case "$NAME" in *${ONLY:-}*) return 0 ;; *) return 1 ;; esac; }
row() {
  local line
  line=$("$CK" --allow-loss "$LOGDECK_DB" "$D/rec" 2>&1 | grep -E '^(ok|BAD) stream' | head -1)
  local wr mi du oo ll lf
  wr=$(sed -n 's/.*: \([0-9]*\) written.*/\1/p' <<<"$line")
  mi=$(sed -n 's/.* \([0-9]*\) missing.*/\1/p' <<<"$line")
  # checkseq --allow-loss reports the missing lines as "lost in race windows"
  local lr; lr=$(sed -n 's/.* \([0-9]*\) lost in race windows.*/\1/p' <<<"$line")
  mi=$(( ${mi:-0} + ${lr:-0} ))
  du=$(sed -n 's/.* \([0-9]*\) duplicated.*/\1/p' <<<"$line")
  oo=$(sed -n 's/.* \([0-9]*\) out of order.*/\1/p' <<<"$line")
  ll=$(sed -n 's/.*store counts \([0-9]*\) lines.*/\1/p' <<<"$line")
  lf=$(sed -n 's/.* \([0-9]*\) files lost.*/\1/p' <<<"$line")
  local lu; lu=$(sed -n 's/.* \([0-9]*\) losses of unknown size.*/\1/p' <<<"$line")
  local es; es=$(grep '^logdeck index: [0-9]' "$D/idx.err" | tail -1 | sed -n 's/.*, ~\([0-9]*\) more lines.*/\1/p')
  printf '%-26s %8s %8s %8s %6s %12s %6s %6s  %s\n' "$NAME" "${wr:-?}" "$(( ${wr:-0} - ${mi:-0} + ${du:-0} ))" \
    "${mi:-?}" "${du:-?}" "${ll:-?}/${lf:-?}/${lu:-0}" "${es:--}" "${oo:-?}" "$NOTE"
}

# Python's standard library handlers (the real thing, through python3).
if command -v python3 >/dev/null; then
  if case_begin py-RotatingFileHandler; then
    start "$D/log/app.log"
    python3 "$PY" rotating "$D/log/app.log" P1 20000 4000 "$D/rec"
    catchup; stop; NOTE="maxBytes=60000 backupCount=5, 4000 lines/s"; row
  fi
  if case_begin py-TimedRotatingFileHdlr; then
    start "$D/log/app.log"
    python3 "$PY" timed "$D/log/app.log" P2 8000 2000 "$D/rec"
    catchup; stop; NOTE="when=S (every second), 2000 lines/s"; row
  fi
fi

# logrotate, forced every 0.5 s while the producer writes.
lr() { # MODE-LINES...: a logrotate config for $D/log/app.log
  { echo "$D/log/app.log {"; echo "  rotate 5"; echo "  missingok"; for l in "$@"; do echo "  $l"; done; echo "}"; } >"$D/lr.conf"
}
lr_loop() { while kill -0 "$1" 2>/dev/null; do logrotate -f -s "$D/lr.state" "$D/lr.conf" 2>>"$D/lr.err"; sleep 0.5; done; }
if command -v logrotate >/dev/null; then
  if case_begin logrotate-copytruncate; then
    lr copytruncate
    start "$D/log/app.log"
    "$WR" -d "$D/log" -n app.log -s C1 -c 12000 -r 2000 -L 200 -o "$D/rec" & P=$!
    lr_loop "$P"; wait "$P"
    catchup; stop; NOTE="lines written between copy and truncate are lost by design: must be counted"; row
  fi
  if command -v python3 >/dev/null; then
    for m in create compress delaycompress; do
      case_begin "logrotate-$m" || continue
      case $m in create) lr create ;; compress) lr create compress ;; *) lr create compress delaycompress ;; esac
      start "$D/log/app.log"
      python3 "$PY" watched "$D/log/app.log" L$m 12000 2000 "$D/rec" & P=$!
      lr_loop "$P"; wait "$P"
      catchup; stop; NOTE="python WatchedFileHandler, 2000 lines/s"; row
    done
  fi
else
  echo "logrotate: not installed (apt-get install logrotate): its rows skipped"
fi

# loguru's rotation with compression: 150 lines, rename, new file, compress
# and unlink the renamed one; 60 times, 50 ms apart.
for m in loguru loguruzip; do
  case_begin "rename+compress-${m#loguru}" || continue
  [ "$m" = loguru ] && NAME=rename+compress-gz
  "$WR" -d "$D/log" -n app.log -s G1 -c 1 -f loguru -o "$D/rec"
  start "$D/log/app.log"
  "$WR" -d "$D/log" -n app.log -s G1 -S 1 -c 8999 -m "$m" -b 12000 -P 50 -f loguru -o "$D/rec"
  catchup; stop; NOTE="60 rotations 50 ms apart"; row
done

# Rotation while logdeck is stopped: rotated files kept (k=9), then a run
# where rotated files are deleted before logdeck comes back (k=2).
for k in 9 2; do
  case_begin "rotation-while-stopped-k$k" || continue
  start "$D/log/app.log"
  "$WR" -d "$D/log" -n app.log -s S1 -c 3000 -m rename -b 100000 -k "$k" -L 200 -o "$D/rec"
  catchup; stop
  n=$([ "$k" = 9 ] && echo 4000 || echo 6000)   # 500 lines a file: 8 or 12 rotations
  "$WR" -d "$D/log" -n app.log -s S1 -S 3000 -c "$n" -m rename -b 100000 -k "$k" -L 200 -o "$D/rec"
  start "$D/log/app.log"
  catchup; stop
  [ "$k" = 2 ] && NOTE="12 rotations while stopped, 2 kept: 10 files deleted, 9 never seen (how many: unknown)" ||
    NOTE="8 rotations while stopped, 9 kept: nothing deleted"
  row
done

# kill -9 storm: 60 kills 50-300 ms apart while the producer rotates (k=5).
if case_begin kill-9-storm; then
  "$WR" -d "$D/log" -n app.log -s K1 -c 60000 -m rename -b 400000 -k 5 -r 4000 -o "$D/rec" & P=$!
  for _ in $(seq 60); do
    start_now "$D/log/app.log"; sleep "0.$(printf '%02d' $(( 5 + RANDOM % 26 )))"
    kill -9 "$IDX" 2>/dev/null; wait "$IDX" 2>/dev/null; IDX=
  done
  start "$D/log/app.log"; wait "$P"
  catchup; stop; NOTE="60 x kill -9, writer 4000 lines/s, rename rotation k=5"; row
fi
