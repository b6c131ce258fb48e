# kill -9 of `alerts run` while a delivery is in flight loses nothing and
# duplicates at most one message; the restart neither re-fires nor forgets
# the firing alerts.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink hang
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 50ms, timeout: 30s}
rules:
  - name: path-errors
    type: count
    match: 'level>=error'
    threshold: '>= 2'
    window: 1m
    group_by: path
    notify: [hook]
Y
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
for p in /a /b /c; do logline error $p boom; logline error $p boom; done >> "$T/app.log"
wait_for 60 grep -q -- '-> hang$' "$SINK_LOG" || fail "in flight" "no request reached the sink"
firing() { "$LOGDECK" alerts list --json | grep '"kind":"state"' | grep -v '"group":"\*"' | grep -c '"state":"firing"'; }
wait_for 60 ge firing 3   # the three groups' states are committed (the first delivery hangs)
kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null; RUN_PID=
check "firing states survive kill -9" 3 \
  "$("$LOGDECK" alerts list --json | grep '"kind":"state"' | grep -v '"group":"\*"' | grep -c '"state":"firing"')"
echo ok > "$SINK_CTL"
start_run "$T/rules.yaml" "$T/app.log"
wait_for 60 ge "sent 200" 3
sleep 1   # nothing more may come: a fourth message would be a failure below
check "all three delivered after the restart" 3 "$(sent 200)"
keys=$(grep '^B ' "$SINK_LOG" | grep -o '"dedupe_key":"[^"]*"' | sort | uniq -c | awk '{ d += $1 - 1 } END { print NR, d }')
check "3 distinct messages, at most one duplicate" "3 1" "$keys"
check "no re-fire after restart" "3 firing" \
  "$(grep '^REQ .* -> 200' -A6 "$SINK_LOG" | grep '^B ' | grep -o '"kind":"[a-z]*"' | cut -d'"' -f4 | uniq -c | awk '{print $1, $2}')"
# the outcome is committed after the sink answered: wait for it
outbox() { "$LOGDECK" alerts list --json | grep '"kind":"notifier"' | grep -o '"queued":[0-9]*,"sent":[0-9]*'; }
check_wait "outbox: 3 sent, none queued" '"queued":0,"sent":3' 10 outbox
stop_run
check "clean exit" 0 "$RUN_RC"
