# ch_tui.sh: the TUI attached to ClickHouse shows a line written on another
# "host" (a follower shipping its local journal) within 2 s, with the
# record's host queryable from the query bar; trace view across hosts.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
. tests/tools/chserver.bash
ch_require "ch_tui.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
mkdir -p "$T/web3"
line() { printf '{"timestamp":"%s","level":"%s","service":"api","event":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" "$1" "$2"; }
line info "first line on web-3" >"$T/web3/app.log"
LOGDECK_DB="$T/web3.db" "$LOGDECK" index --follow --status-interval 0 --ship "$URL" --host web-3 \
  --ship-batch 100 "$T/web3/app.log" >"$T/f.out" 2>"$T/f.err" &
FP=$!
for _ in $(seq 300); do [ "$("$LOGDECK" --db "$URL" query --count '' 2>/dev/null)" = 1 ] && break; sleep 0.1; done
tui_start 110 30 --db "$URL"
check_screen "TUI on ClickHouse shows the shipped record" "first line on web-3" 15
start=$(date +%s%N)
line error "written on web-3 while watching" >>"$T/web3/app.log"
if tui_wait 2 has_text "written on web-3 while watching"; then
  pass "line written on one host visible on another's TUI within 2 s ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
else
  fail "line written on one host visible on another's TUI within 2 s" "$(tui_screen | tail -4 | head -2)"
fi
tui_keys / ; tui_keys 'host:web-3 level:error' Enter
check_screen "query bar: host: on ClickHouse" "1 of 2"
tui_keys q
kill -TERM "$FP"; wait "$FP"
