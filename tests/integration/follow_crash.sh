# kill -9 in a loop while a writer rotates; the store running full
# (PRAGMA max_page_count) and space coming back (SIGHUP re-reads the
# config); retention; one writer per store.
. tests/lib.sh
. tests/integration/follow_lib.bash

# 10. Crash loop: continuous writer with rotation, kill -9 every 50-300 ms,
#     100 cycles, then a clean run: every line exactly once.
fresh crash
"$WR" -d "$D" -n app.log -s K9 -c 90000 -m rename -b 400000 -k 5 -r 4000 -o "$T/crash.rec" &
WPID=$!
for i in $(seq 1 100); do
  "$LOGDECK" index --follow --status-interval 0 "$D/app.log" 2>>"$T/idx.err" &
  IDX=$!
  sleep "0.$(printf '%02d' $(( 5 + RANDOM % 26 )))"
  kill9_idx
done
start_idx "$D/app.log"
wait "$WPID"
caught_up 30 "$LOGDECK_DB" "$T/crash.rec"
stop_idx
verdict "crash loop: kill -9 x100 during rotations, exactly once" --no-loss "$LOGDECK_DB" "$T/crash.rec"

# 11. The store fills up (max_pages): nothing past the stored lines is
#     checkpointed; after space returns (SIGHUP) every line exactly once.
fresh full
printf 'store:\n  max_pages: 90\n' >"$T/full.yaml"
"$LOGDECK" --config "$T/full.yaml" index --follow --status-interval 1 "$D/app.log" 2>>"$T/idx.err" &
IDX=$!
sleep 0.3
"$WR" -d "$D" -n app.log -s F1 -c 20000 -m rename -b 300000 -k 9 -r 20000 -o "$T/full.rec"
sleep 2
n1=$("$CK" --dump "$LOGDECK_DB" | wc -l)
if grep -q "full" "$T/idx.err" && [ "$n1" -gt 0 ] && [ "$n1" -lt 20000 ]; then
  verdict "store full: stored lines are a gap-free prefix ($n1)" --prefix "$LOGDECK_DB" "$T/full.rec"
else
  fail "store full: reported and paused" "stored $n1; $(tail -2 "$T/idx.err")"
fi
printf 'store:\n  retention: {debug: 7d}\n' >"$T/full.yaml"
kill -HUP "$IDX"
caught_up 20 "$LOGDECK_DB" "$T/full.rec"
stop_idx
verdict "store full, then space back: exactly once" "$LOGDECK_DB" "$T/full.rec"

# One writer per store: a second indexer exits 1 naming the first one's pid.
fresh lock
start_idx "$D"
"$LOGDECK" index "$D" >"$T/lock.out" 2>&1; rc=$?
if [ "$rc" = 1 ] && grep -q "pid $IDX" "$T/lock.out"; then pass "second writer refused, holder's pid named"
else fail "second writer refused, holder's pid named" "rc $rc: $(cat "$T/lock.out")"; fi
stop_idx

# Retention: per-level ages from the config, applied by the running indexer.
fresh ret
old=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%SZ)
new=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  for i in 1 2 3; do echo "{\"timestamp\":\"$old\",\"level\":\"info\",\"event\":\"old info $i\"}"; done
  for i in 1 2; do echo "{\"timestamp\":\"$old\",\"level\":\"error\",\"event\":\"old error $i\"}"; done
  for i in 1 2; do echo "{\"timestamp\":\"$new\",\"level\":\"info\",\"event\":\"new info $i\"}"; done
} >"$D/r.log"
printf 'store:\n  retention: {error: 365d, warning: 180d, info: 30d, debug: 7d}\n' >"$T/ret.yaml"
"$LOGDECK" --config "$T/ret.yaml" index --follow --status-interval 0 "$D/r.log" 2>>"$T/idx.err" &
IDX=$!
sleep 2
stop_idx
check "retention: info older than 30d deleted, errors kept" \
  "old error 1|old error 2|new info 1|new info 2" \
  "$("$CK" --dump "$LOGDECK_DB" | cut -f3 | tr '\n' '|' | sed 's/|$//')"
