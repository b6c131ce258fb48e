# ch_alerts.sh: `alerts run --db clickhouse://...` fires on records that
# two hosts ship (a count over both that neither reaches alone), with its
# state and outbox in a local store ($LOGDECK_ALERTS_DB); `alerts list`
# and `alerts test` on the same URL.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
. tests/tools/chserver.bash
trap 'for p in $CH_PIDS; do kill $p 2>/dev/null; done; _alerts_cleanup; _ch_cleanup_all' EXIT
ch_require "ch_alerts.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
export LOGDECK_ALERTS_DB="$T/alerts.db"
start_sink
cat >"$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 50ms}
rules:
  - name: fleet-errors
    type: count
    match: 'level>=error'
    threshold: '>= 4'
    window: 1m
    resolve_notify: false
    notify: [hook]
Y
FP=""
for h in web-1 web-2; do
  : >"$T/$h.log"
  LOGDECK_DB="$T/$h.db" "$LOGDECK" index --follow --status-interval 0 --ship "$URL" --host "$h" \
    "$T/$h.log" >/dev/null 2>>"$T/$h.err" &
  FP="$FP $!"
done
"$LOGDECK" --db "$URL" alerts run "$T/rules.yaml" >>"$T/run.out" 2>>"$T/run.err" &
RUN_PID=$!
wait_for 10 grep -q "following" "$T/run.err" || fail "alerts run starts on clickhouse" "$(cat "$T/run.err")"
sleep 1
for h in web-1 web-2; do logline error /x "boom on $h" >>"$T/$h.log"; logline error /x "again on $h" >>"$T/$h.log"; done
if wait_for 20 ge "sent 200" 1; then pass "fires on errors of two hosts together"; else
  fail "fires on errors of two hosts together" "$(tail -3 "$T/run.err") $(tail -2 "$T/run.out")"; fi
check "one notification" 1 "$(sent 200)"
check "alerts list on the URL shows it firing" 1 "$("$LOGDECK" --db "$URL" alerts list | grep -c '^fleet-errors *firing')"
check "state kept in the local store" 1 "$([ -s "$LOGDECK_ALERTS_DB" ] && echo 1)"
stop_run
check "alerts run exits 0" 0 "$RUN_RC"
"$LOGDECK" --db "$URL" alerts test "$T/rules.yaml" --since 10m >"$T/test.out" 2>&1
check "alerts test on clickhouse replays the firing" 1 "$(grep -cE ' firing +fleet-errors' "$T/test.out")"
for p in $FP; do kill -TERM "$p"; wait "$p"; done
