# Exactly once and honest counters (issue 11): rename-then-compress at
# speed, losses while no indexer runs, unterminated last lines.
. tests/lib.sh
. tests/integration/follow_lib.bash

# 1. loguru-style rotation with compression: write 150 lines, rename
#    app.log -> app.<time>.log, create a new app.log, compress the renamed
#    file and unlink it; 60 times, 50 ms apart. The compressed file and the
#    renamed one hold the same data: whichever is opened first is read,
#    the other adds only what lies past the checkpoint (here: nothing).
for m in loguru loguruzip; do
  fresh "rc-$m"
  "$WR" -d "$D" -n app.log -s Q1 -c 1 -f loguru -o "$T/$m.rec"
  start_idx "$D/app.log"
  "$WR" -d "$D" -n app.log -s Q1 -S 1 -c 8999 -m "$m" -b 12000 -P 50 -f loguru -o "$T/$m.rec"
  caught_up 60 --file-order "$LOGDECK_DB" "$T/$m.rec"
  stop_idx
  verdict "rename-then-compress ($m), 60 rotations 50 ms apart: every line once" \
    --no-loss --file-order "$LOGDECK_DB" "$T/$m.rec"
done

# 6. A last line with no newline: `index` says it holds it, and stores it
#    once the file is rotated away or has been unchanged for
#    store.partial_line_after; never twice.
fresh partial
printf '{"event":"P 1"}\n{"event":"P 2"}' >"$D/new.log"
"$LOGDECK" index "$D/new.log" >"$T/p.out" 2>&1
check "index: summary says 1 unterminated last line held" 1 \
  "$(grep -c '1 unterminated last line held' "$T/p.out")"
check "index: the unterminated line is not stored yet" "P 1" "$("$CK" --dump "$LOGDECK_DB" | cut -f3 | tr '\n' '|' | sed 's/|$//')"
printf '{"event":"P 3"}' >"$D/old.log"
touch -d '-1 min' "$D/old.log"
"$LOGDECK" index "$D/new.log" "$D/old.log" >"$T/p2.out" 2>&1
check "index: a file unchanged for 10 s: its last line stored" "P 1|P 3" \
  "$("$CK" --dump "$LOGDECK_DB" | cut -f3 | tr '\n' '|' | sed 's/|$//')"
printf '\n' >>"$D/new.log"
"$LOGDECK" index "$D/new.log" >/dev/null 2>&1
check "index: the held line stored once its newline came" "P 1|P 3|P 2" \
  "$("$CK" --dump "$LOGDECK_DB" | cut -f3 | tr '\n' '|' | sed 's/|$//')"
# follow: quiet for store.partial_line_after (1 s here), and rotated away.
fresh partialf
printf 'store:\n  partial_line_after: 1s\n' >"$T/pf.yaml"
printf '{"event":"F 1"}\n{"event":"F 2"}' >"$D/app.log"
"$LOGDECK" --config "$T/pf.yaml" index --follow --status-interval 0 "$D/app.log" 2>>"$T/idx.err" &
IDX=$!
dump() { "$CK" --dump "$LOGDECK_DB" 2>/dev/null | cut -f3 | tr '\n' '|' | sed 's/|$//'; }
i=0; until [ "$(dump)" = "F 1|F 2" ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
check "follow: an unterminated line stored after partial_line_after" "F 1|F 2" "$(dump)"
stop_idx
# rotated away (partial_line_after 1h: only the rotation can store it)
fresh partialr
printf 'store:\n  partial_line_after: 1h\n' >"$T/pr.yaml"
printf '{"event":"F 3"}\n{"event":"F 4"}' >"$D/app.log"
"$LOGDECK" --config "$T/pr.yaml" index --follow --status-interval 0 "$D/app.log" 2>>"$T/idx.err" &
IDX=$!
i=0; until [ "$(dump)" = "F 3" ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
check "follow: unterminated line held while the file is live" "F 3" "$(dump)"
mv "$D/app.log" "$D/app.log.1"; printf '' >"$D/app.log"
i=0; until [ "$(dump)" = "F 3|F 4" ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
check "follow: an unterminated line stored once its file is rotated" "F 3|F 4" "$(dump)"
stop_idx
check "follow: clean exits" "" "$(cat "$T/problems" 2>/dev/null)"

# 4. Lines appended to a known file that is then rotated and deleted while
#    no indexer runs are counted lost (estimated from the sizes its rotated
#    siblings reached: the source rotates by size), never silently missing.
fresh gone
start_idx "$D/app.log"
"$WR" -d "$D" -n app.log -s D1 -c 100 -L 200 -o "$T/gone.rec"
caught_up 30 "$LOGDECK_DB" "$T/gone.rec"
stop_idx
"$WR" -d "$D" -n app.log -s D1 -S 100 -c 700 -m rename -b 40000 -k 2 -L 200 -o "$T/gone.rec"
start_idx "$D/app.log"
caught_up 30 --allow-loss "$LOGDECK_DB" "$T/gone.rec"
stop_idx
verdict "rotated and deleted while down: the 100 lines appended meanwhile counted lost" \
  --exact-loss "$LOGDECK_DB" "$T/gone.rec"
check "its warning says how many, estimated" 1 \
  "$(grep -c 'about 100 lines, estimated from the sizes its rotated siblings reached' "$T/idx.err")"

# file_rows PATH: the store's rows for PATH, once there is one (at most 10 s).
file_rows() {
  local n=0
  for _ in $(seq 100); do
    n=$(sqlite3 "$LOGDECK_DB" "SELECT count(*) FROM files WHERE path = '$1'" 2>/dev/null)
    [ "$n" = 1 ] && break; sleep 0.1
  done
  echo "$n"
}
# follow_verdict NAME FILE RECORD: an indexer follows FILE until RECORD is
# stored, stops; every line once.
follow_verdict() {
  start_idx "$2"
  caught_up 60 --no-loss "$LOGDECK_DB" "$3"
  stop_idx
  verdict "$1" --no-loss "$LOGDECK_DB" "$3"
}

# 8. A followed file that is empty (a quiet error log) is known from its
#    first sight: the lines written to it while no indexer runs are read
#    where it was rotated to. Before, an empty file got no row (a row came
#    with the first bytes read), so the restart did not know app.log.1 and
#    its 100 lines were lost with no word; the same after a clean stop.
for how in KILL TERM; do
  fresh "empty-$how"
  : >"$D/app.log"
  start_idx "$D/app.log"
  check "empty file ($how): its row is committed while it is empty" 1 "$(file_rows "$D/app.log")"
  if [ "$how" = KILL ]; then kill9_idx; else stop_idx; fi
  "$WR" -d "$D" -n app.log -s E1 -c 100 -o "$T/e-$how.rec"
  mv "$D/app.log" "$D/app.log.1"
  "$WR" -d "$D" -n app.log -s E1 -S 100 -c 50 -o "$T/e-$how.rec"
  follow_verdict "empty file ($how), written and rotated while down: all 150 lines once" \
    "$D/app.log" "$T/e-$how.rec"
  check "empty file ($how): no loss reported" 0 \
    "$(grep 'lost' "$T/idx.err" | grep -vc 'lost 0 lines / 0 bytes / 0 files unread')"
done
# the same file written while followed: the empty file's row is taken up
# (one row, not a second one for its first bytes)
fresh empty-live
: >"$D/app.log"
start_idx "$D/app.log"
check "empty file written while followed: its row, while empty" 1 "$(file_rows "$D/app.log")"
"$WR" -d "$D" -n app.log -s E2 -c 100 -o "$T/e-live.rec"
caught_up 60 --no-loss "$LOGDECK_DB" "$T/e-live.rec"
stop_idx
verdict "empty file written while followed: 100 lines once" --no-loss "$LOGDECK_DB" "$T/e-live.rec"
check "empty file written while followed: one row" 1 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) FROM files')"
