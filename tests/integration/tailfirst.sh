# Tail-first indexing (issue 13): the newest end of a file is stored before
# its history, the history is backfilled newest to oldest with covered
# ranges committed with the records, live lines keep flowing meanwhile,
# kill -9 and rotation during the backfill lose and duplicate nothing, and
# results over history not indexed yet are marked partial.
. tests/lib.sh
. tests/integration/follow_lib.bash

# info KEY: a field of `logdeck store info --json`
info() { "$LOGDECK" store info --json 2>/dev/null | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
# stored SEQ: 1 if the record of that seq (stream $S) is in the store
stored() { "$LOGDECK" query --count "\"$S $1 \"" 2>/dev/null | tr -d '>= '; }
# wait_for SECS CMD...: polls CMD until it succeeds
wait_for() {
  local end=$(( $(date +%s) + $1 )); shift
  while [ "$(date +%s)" -lt "$end" ]; do "$@" && return 0; sleep 0.1; done
  return 1
}
is_partial() { [ "$(info partial)" = true ]; }
complete() { [ "$(info partial)" = false ]; }
has() { [ "$(stored "$1")" = 1 ]; }

N=300000   # ~60 MB of 200-byte JSON lines: seconds of backfill

# 1. Ordering and flags: the newest records get lower record ids than the
#    oldest; the tail's records are live, the backfilled ones history.
fresh order; S=TO
"$WR" -d "$D" -n app.log -s $S -c $N -L 200 -o "$T/order.rec" 2>/dev/null
start_idx "$D/app.log"
wait_for 60 complete
stop_idx
verdict "tail-first: every line exactly once" --any-order --no-loss "$LOGDECK_DB" "$T/order.rec"
"$CK" --dump "$LOGDECK_DB" | cut -f3 | awk '{print $2}' >"$T/order.ids"
first=$(head -1 "$T/order.ids"); pos_new=$(grep -nx "$((N - 1))" "$T/order.ids" | cut -d: -f1)
pos_old=$(grep -nx 0 "$T/order.ids" | cut -d: -f1)
if [ "$first" -gt $((N * 9 / 10)) ] && [ "${pos_new:-0}" -gt 0 ] && [ "$pos_new" -lt "${pos_old:-0}" ]; then
  pass "tail-first: newest stored first (first stored seq $first; newest at $pos_new, oldest at $pos_old)"
else
  fail "tail-first: newest stored first" "first $first, newest at $pos_new, oldest at $pos_old"
fi
hist=$("$LOGDECK" query --json --limit 0 '' | grep -c '"history":true')
live=$("$LOGDECK" query --json --limit 0 '' | grep -vc '"history":true')
tail_lines=$(( N - hist ))
if [ "$hist" -gt $((N * 9 / 10)) ] && [ "$live" = "$tail_lines" ] && [ "$live" -gt 0 ]; then
  pass "tail-first: backfilled records flagged history ($hist), the tail's live ($live)"
else
  fail "tail-first: history flags" "history $hist live $live"
fi
check "tail-first: no ranges left once complete" "false 0" "$(info partial) $(info history_bytes_left)"
check "complete store: exact count" "$N" "$("$LOGDECK" query --count '')"
check "complete store: --count --json" "{\"count\":$N,\"partial\":false,\"covered_since\":null}" \
  "$("$LOGDECK" query --count --json '')"

# 2. During the backfill: partial marking, live appends, kill -9, restart.
fresh crash; S=TK
"$WR" -d "$D" -n app.log -s $S -c $N -L 200 -o "$T/crash.rec" 2>/dev/null
start_idx "$D/app.log"
if wait_for 30 has $((N - 1)) && is_partial; then
  out=$("$LOGDECK" query --count '' 2>/dev/null)
  js=$("$LOGDECK" query --count --json '' 2>/dev/null)
  note=$("$LOGDECK" query --limit 1 '' 2>&1 >/dev/null)
  case "$out" in ">= "[0-9]*) pass "partial: count prints >= N ($out)";; *) fail "partial: count" "[$out]";; esac
  case "$js" in '{"count":'[0-9]*',"partial":true,"covered_since":"20'*'Z"}') pass "partial: --count --json";;
    *) fail "partial: --count --json" "[$js]";; esac
  case "$note" in "logdeck query: partial result: history is still being indexed"*) pass "partial: note on stderr";;
    *) fail "partial: note on stderr" "[$note]";; esac
  # live lines during the backfill: stored while history is still missing
  "$WR" -d "$D" -n app.log -s $S -S $N -c 300 -L 200 -r 3000 -o "$T/crash.rec" 2>/dev/null
  if wait_for 10 has $((N + 299)) && is_partial; then pass "live appends stored during the backfill"
  else fail "live appends stored during the backfill" "partial=$(info partial) last=$(stored $((N + 299)))"; fi
else
  fail "backfill under way after the newest line" "partial=$(info partial) newest=$(stored $((N - 1)))"
fi
left0=$(info history_bytes_left)
kill9_idx
left1=$(info history_bytes_left)
if [ "$(info partial)" = true ] && [ "${left1:-0}" -gt 0 ]; then
  pass "kill -9 during the backfill: ranges persisted ($left1 bytes of history left)"
else
  fail "kill -9 during the backfill: ranges persisted" "partial=$(info partial) left=$left1 (before $left0)"
fi
# a few more kill -9 at random points of the backfill
for i in 1 2 3 4; do
  "$LOGDECK" index --follow --status-interval 0 "$D/app.log" 2>>"$T/idx.err" &
  IDX=$!
  sleep "0.$(( 3 + RANDOM % 7 ))"
  kill9_idx
done
start_idx "$D/app.log"
wait_for 60 complete
stop_idx
verdict "kill -9 x5 during the backfill, restart: every line exactly once" --any-order --no-loss \
  "$LOGDECK_DB" "$T/crash.rec"

# 3. Rotation during the backfill (rename + new file), and while down.
fresh rot; S=TR
"$WR" -d "$D" -n app.log -s $S -c $N -L 200 -o "$T/rot.rec" 2>/dev/null
start_idx "$D/app.log"
wait_for 30 has $((N - 1))
mv "$D/app.log" "$D/app.log.1"
"$WR" -d "$D" -n app.log -s $S -S $N -c 2000 -L 200 -r 4000 -o "$T/rot.rec" 2>/dev/null
p1=$(info partial)
kill9_idx
mv "$D/app.log.1" "$D/app.log.2"; mv "$D/app.log" "$D/app.log.1"
"$WR" -d "$D" -n app.log -s $S -S $((N + 2000)) -c 2000 -L 200 -o "$T/rot.rec" 2>/dev/null
start_idx "$D/app.log"
wait_for 60 complete
stop_idx
check "rotation happened during the backfill" true "$p1"
verdict "rotation during the backfill and while down: every line exactly once" --any-order --no-loss \
  "$LOGDECK_DB" "$T/rot.rec"

# 4. Compressed history: read last, whole, as history.
fresh gz; S=TG
"$WR" -d "$D" -n app.log -s $S -c 100000 -L 200 -o "$T/gz.rec" 2>/dev/null
mv "$D/app.log" "$D/app.log.1"; gzip "$D/app.log.1"
"$WR" -d "$D" -n app.log -s $S -S 100000 -c 100000 -L 200 -o "$T/gz.rec" 2>/dev/null
start_idx "$D"
wait_for 60 complete
stop_idx
verdict "gzip history backfilled: every line exactly once" --any-order --no-loss "$LOGDECK_DB" "$T/gz.rec"
"$CK" --dump "$LOGDECK_DB" | cut -f1 | uniq | sed 's,.*/,,' | tr '\n' ' ' >"$T/gz.order"
case "$(cat "$T/gz.order")" in "app.log app.log.1.gz ") pass "gzip history read after the live file";;
  *) fail "gzip history read after the live file" "$(cat "$T/gz.order")";; esac

# 5. Catching up after a restart: 20 MB appended while down are read
#    tail-first too (the newest appended line stored before the oldest).
fresh catch; S=TC
"$WR" -d "$D" -n app.log -s $S -c 20000 -L 200 -o "$T/catch.rec" 2>/dev/null
start_idx "$D/app.log"
caught_up 30 "$LOGDECK_DB" "$T/catch.rec"
stop_idx
"$WR" -d "$D" -n app.log -s $S -S 20000 -c 100000 -L 200 -o "$T/catch.rec" 2>/dev/null
start_idx "$D/app.log"
wait_for 60 complete
stop_idx
verdict "catch-up after a restart: every line exactly once" --any-order --no-loss "$LOGDECK_DB" "$T/catch.rec"
"$CK" --dump "$LOGDECK_DB" | cut -f3 | awk '{print $2}' >"$T/catch.ids"
pos_new=$(grep -nx 119999 "$T/catch.ids" | cut -d: -f1); pos_old=$(grep -nx 20000 "$T/catch.ids" | cut -d: -f1)
if [ "${pos_new:-0}" -gt 20000 ] && [ "$pos_new" -lt "${pos_old:-0}" ]; then
  pass "catch-up after a restart: newest appended line stored first ($pos_new before $pos_old)"
else
  fail "catch-up after a restart: newest appended line stored first" "newest at $pos_new, oldest appended at $pos_old"
fi

# 6. Several live files with history and small ones in one directory, and
#    small files not written to for hours: the tails are read
#    newest-modified first (the newest file's end reaches the screen
#    first), then the small live files whole, oldest-modified first (a
#    glob's order); then the history, newest first, the old small files
#    last (history too, not read before the live files). Every line once.
fresh multi
for f in ob o1 o2 s1 s2 a b c; do
  case $f in [so][0-9]) n=100 ;; *) n=20000 ;; esac
  "$WR" -d "$D" -n $f.log -s M$f -c $n -L 200 -o "$T/multi.rec" 2>/dev/null
done
touch -d "-140 minutes" "$D/ob.log"
touch -d "-130 minutes" "$D/o1.log"; touch -d "-120 minutes" "$D/o2.log"
ago=60
for f in s1 s2 a b c; do touch -d "-$ago seconds" "$D/$f.log"; ago=$((ago - 10)); done
start_idx "$D"
wait_for 60 complete
stop_idx
verdict "several files tail-first: every line exactly once" --any-order --no-loss "$LOGDECK_DB" "$T/multi.rec"
check "tails newest-modified first, small live files oldest first, old files last" \
  "c.log b.log a.log s1.log s2.log o2.log o1.log ob.log " \
  "$("$CK" --dump "$LOGDECK_DB" | cut -f1 | sed 's,.*/,,' | awk '!seen[$0]++' | tr '\n' ' ')"
# an old big file (all history) is read from its end too: its first stored
# record is in its last 512 kB (~2,600 lines of 200 bytes)
ob1=$("$CK" --dump "$LOGDECK_DB" | awk -F'\t' '$1 ~ /ob.log$/ {print $3; exit}' | awk '{print $2}')
if [ "${ob1:-0}" -ge 17000 ]; then pass "an old file's history starts at its end (first stored line $ob1 of 20000)"
else fail "an old file's history starts at its end" "first stored line [$ob1]"; fi

# 7. A steady writer during the backfill (2,000 lines a second into the
#    live file for 15 s, while the history is read in the same turns of the
#    loop): every line exactly once, history and live.
fresh steady; S=TS
"$WR" -d "$D" -n app.log -s $S -c 100000 -L 200 -o "$T/steady.rec" 2>/dev/null
start_idx "$D/app.log"
wait_for 30 has 99999
"$WR" -d "$D" -n app.log -s $S -S 100000 -c 30000 -L 200 -r 2000 -o "$T/steady.rec" 2>/dev/null &
WP=$!
wait_for 90 complete
wait "$WP"
caught_up 60 --any-order --no-loss "$LOGDECK_DB" "$T/steady.rec"
stop_idx
verdict "steady writer during the backfill: every line exactly once" --any-order --no-loss \
  "$LOGDECK_DB" "$T/steady.rec"
