# The pace of a webhook (min_interval) holds across a restart, even after
# kill -9: the next request waits for the last attempt recorded in the
# store plus min_interval.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink ok
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 3s}
rules:
  - name: path-errors
    type: count
    match: 'level>=error'
    threshold: '>= 1'
    window: 1m
    group_by: path
    resolve_notify: false
    notify: [hook]
Y
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
logline error /a "boom a" >> "$T/app.log"
wait_for 30 ge "sent 200" 1
kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null; RUN_PID=
logline error /b "boom b" >> "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
wait_for 30 ge "sent 200" 2
check "two messages after the restart" 2 "$(grep '^REQ ' "$SINK_LOG" | grep -c ' -> 200$')"
gap=$(grep '^REQ .* -> 200$' "$SINK_LOG" | awk 'NR == 1 { t = $3 } NR == 2 { print $3 - t }')
[ "${gap:-0}" -ge 2900 ] && pass "pace kept across kill -9 and restart (${gap} ms apart)" ||
  fail "pace kept across kill -9 and restart" "${gap:-?} ms apart, min_interval 3s"
# A plain restart (SIGTERM) keeps it too.
stop_run
logline error /c "boom c" >> "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
wait_for 30 ge "sent 200" 3
gap=$(grep '^REQ .* -> 200$' "$SINK_LOG" | awk 'NR == 2 { t = $3 } NR == 3 { print $3 - t }')
[ "${gap:-0}" -ge 2900 ] && pass "pace kept across a clean restart (${gap} ms apart)" ||
  fail "pace kept across a clean restart" "${gap:-?} ms apart, min_interval 3s"
stop_run

# kill -9 while a request is in flight (no outcome written): the attempt's
# pace was stored before it was sent, so the retry after the restart waits.
rm -f "$T/store.db"*
echo "/hook hang" > "$SINK_CTL"
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
logline error /d "boom d" >> "$T/app.log"
wait_for 30 grep -q ' POST /hook -> hang$' "$SINK_LOG"
kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null; RUN_PID=
echo ok > "$SINK_CTL"
n200=$(sent 200)
start_run "$T/rules.yaml" "$T/app.log"
wait_for 30 ge "sent 200" $((n200 + 1))
gap=$(grep '^REQ .* POST /hook -> ' "$SINK_LOG" | tail -2 | awk 'NR == 1 { t = $3 } NR == 2 { print $3 - t }')
check "the hung request, then its retry after kill -9" "hang 200" \
  "$(grep '^REQ .* POST /hook -> ' "$SINK_LOG" | tail -2 | awk '{ print $NF }' | tr '\n' ' ' | sed 's/ $//')"
[ "${gap:-0}" -ge 2900 ] && pass "pace kept across kill -9 in mid-request (${gap} ms apart)" ||
  fail "pace kept across kill -9 in mid-request" "${gap:-?} ms apart, min_interval 3s"
stop_run
