# ch_oneshot.sh: a one-shot `index --ship URL` (no --follow) ships while
# the server acknowledges batches and gives up only after --ship-timeout
# without one. With the server stopped it exits 1 after about that long,
# saying how many records it left in the journal (also when an earlier run
# had shipped part of it: the journal's mark of what the server confirmed);
# the next run ships exactly those. A run whose shipping is paused twice
# (the server frozen with SIGSTOP, each pause shorter than the timeout, the
# two together longer) keeps going and ships everything exactly once.
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_oneshot.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/one"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
on_server() { ch_sql "$T/ch" "$1" 2>/dev/null; }
N=30000
"$BUILD_DIR/tests/bench/gen" --lines $N --out "$T/c" --start 1772359200 --span 3600 >/dev/null
"$LOGDECK" index "$T"/c/* >/dev/null 2>&1                 # the journal, once
recs=$("$LOGDECK" query --count '')
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ship() { # HOST TIMEOUT [ARGS...]: one-shot ship; $rc, $ms (wall), $T/ship.err
  local t0; t0=$(now_ms)
  "$LOGDECK" index --ship "$URL" --host "$1" --ship-timeout "$2" "${@:3}" "$T"/c/* \
    >"$T/ship.out" 2>"$T/ship.err"; rc=$?
  ms=$(( $(now_ms) - t0 ))
}
rows() { on_server "SELECT count(), uniqExact(rid) FROM one.logs WHERE host = '$1' FORMAT TSV" | tr '\t' ' '; }

# 1. The server is down: give up after the timeout, everything left.
ch_stop "$T/ch" TERM
ship h1 2s
check "server down: exit 1" 1 "$rc"
check "server down: says every record is left in the journal" 1 \
  "$(grep -c "gave up shipping after 2 s without progress: $recs records left unshipped (kept in the journal" "$T/ship.err")"
check "server down: the reason is given" 1 "$(grep -c "left unshipped.*: Couldn't connect to server" "$T/ship.err")"
[ "$ms" -ge 2000 ] && [ "$ms" -lt 15000 ] && pass "server down: gave up after 2 s ($ms ms)" ||
  fail "server down: gave up after 2 s" "took $ms ms"
ch_start "$T/ch" || { fail "server restart" "no /ping"; exit 0; }
ship h1 60s
check "next run ships them: exit 0" 0 "$rc"
check "next run: every record once" "$recs $recs" "$(rows h1)"

# 2. Part shipped before: the records left are counted from the journal's
# mark (the server cannot be asked).
printf '{"timestamp":"2026-03-01T10:30:00Z","level":"error","service":"late","event":"late %d"}\n' \
  $(seq 1 100) >>"$T/c/api.jsonl"
ch_stop "$T/ch" TERM
ship h1 1s
check "server down again: 100 records left, counted from the mark" "1 1" \
  "$rc $(grep -c "gave up shipping after 1 s without progress: 100 records left unshipped" "$T/ship.err")"
ch_start "$T/ch" || { fail "server restart" "no /ping"; exit 0; }
ship h1 60s
check "then shipped exactly once" "0 $((recs + 100)) $((recs + 100))" "$rc $(rows h1)"

# 3. Progress keeps a run going past the timeout: three freezes of 3 s
# (each shorter than the 8 s timeout, together longer), batches of 300.
# Each freeze may come just after a batch was stored but before its answer
# was sent, so the margin a loaded machine has to answer after a freeze is
# the timeout less one freeze: 5 s.
total=$((recs + 100))
ship_bg() {
  local t0; t0=$(now_ms)
  "$LOGDECK" index --ship "$URL" --host h2 --ship-timeout 8s --ship-batch 300 "$T"/c/* \
    >"$T/bg.out" 2>"$T/bg.err"
  echo "$? $(( $(now_ms) - t0 ))" >"$T/bg.rc"
}
ship_bg &
BG=$!
freeze() { # MIN: once h2 has MIN rows, freeze the server 3 s; prints the rows then
  local n=0 p
  for _ in $(seq 600); do
    n=$(on_server "SELECT count() FROM one.logs WHERE host = 'h2'"); [ "${n:-0}" -ge "$1" ] && break; sleep 0.05
  done
  p=$(cat "$T/ch/pid")
  kill -STOP "$p"; sleep 3; kill -CONT "$p"   # the stall itself is the stimulus
  echo "$n"
}
n1=$(freeze 600)
n2=$(freeze $((n1 + 600)))
n3=$(freeze $((n2 + 600)))
for _ in $(seq 1200); do kill -0 "$BG" 2>/dev/null || break; sleep 0.1; done
wait "$BG"
read -r brc bms <"$T/bg.rc"
[ "$n3" -lt "$total" ] && [ "$n2" -gt "$n1" ] && [ "$n3" -gt "$n2" ] &&
  pass "the freezes came mid-shipping ($n1, $n2, $n3 of $total rows)" ||
  fail "the freezes came mid-shipping" "rows at the freezes: $n1, $n2, $n3 of $total"
check "frozen three times, 9 s in all: still exit 0" 0 "$brc"
[ "$brc" = 0 ] || sed 's/^/  its stderr: /' "$T/bg.err"
[ "$bms" -gt 8000 ] && pass "it shipped for longer than the timeout ($bms ms)" ||
  fail "it shipped for longer than the timeout" "$bms ms"
check "and every record once" "$total $total" "$(rows h2)"
check "no record twice on the server" 0 \
  "$(on_server "SELECT count() FROM (SELECT host, rid, count() AS n FROM one.logs GROUP BY host, rid HAVING n > 1)")"
