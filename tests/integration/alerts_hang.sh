# A webhook that hangs delays only its own messages: every notifier has
# its own queue, pacing and thread, no lock is held across a request, and
# neither ingestion nor a SIGHUP reload waits for delivery.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink ok
printf '/hang hang\n' >> "$SINK_CTL"
rules() { # $1: the stuck notifier's timeout
  cat > "$T/rules.yaml" <<Y
notifiers:
  stuck: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hang", timeout: $1, min_interval: 200ms}
  chat: {type: slack, url: "http://127.0.0.1:$SINK_PORT/slack", min_interval: 200ms}
rules:
  - name: path-errors
    type: count
    match: 'level>=error'
    threshold: '>= 1'
    window: 1m
    group_by: path
    resolve_notify: false
    notify: [stuck, chat]
Y
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# nth_ms PATH N: the sink's time (ms) of the Nth 200 answer on PATH.
nth_ms() {
  local v; v=$(grep "^REQ .* POST $1 -> 200\$" "$SINK_LOG" | sed -n "${2}p" | awk '{ print $3 }')
  echo "${v:-99999999999999}"
}
slack_ok() { grep -c "^REQ .* POST /slack -> 200\$" "$SINK_LOG"; }
rules 60s
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
t0=$(ms)
for i in $(seq 10); do logline error "/p$i" "boom $i"; done >> "$T/app.log"
wait_for 30 ge slack_ok 10
first=$(( $(nth_ms /slack 1) - t0 )) tenth=$(( $(nth_ms /slack 10) - t0 ))
echo "first slack message after ${first} ms, 10th after ${tenth} ms (stuck webhook hanging)"
check "slack: 10 messages while the other webhook hangs" 10 "$(slack_ok)"
[ "$first" -lt 3000 ] && pass "slack: first message within 3 s ($first ms)" ||
  fail "slack: first message within 3 s" "$first ms"
[ "$tenth" -lt 8000 ] && pass "slack: 10 messages within 8 s ($tenth ms)" ||
  fail "slack: 10 messages within 8 s" "$tenth ms"
gaps=$(grep "^REQ .* POST /slack -> 200\$" "$SINK_LOG" | awk '{ if (t && $3 - t < 190) bad++; t = $3 } END { print bad + 0 }')
check "slack: its own pace kept (>= 200 ms apart)" 0 "$gaps"
check "stuck: one request in flight, no other" 1 "$(grep -c '^REQ .* POST /hang -> hang$' "$SINK_LOG")"

# Ingestion goes on during the hang, and across a SIGHUP reload during it.
count_is() { [ "$("$LOGDECK" query --count "$1" 2>/dev/null)" = "$2" ]; }
for i in 1 2 3; do logline info /ok "during hang $i"; done >> "$T/app.log"
wait_for 15 count_is '"during hang"' 3 && pass "ingestion during the hang" ||
  fail "ingestion during the hang" "$("$LOGDECK" query --count '"during hang"')"
rules 61s
t1=$(ms)
kill -HUP "$RUN_PID"
for i in 1 2 3; do logline info /ok "after reload $i"; done >> "$T/app.log"
wait_for 15 count_is '"after reload"' 3 && pass "ingestion right after a SIGHUP during the hang ($(( $(ms) - t1 )) ms)" ||
  fail "ingestion after a SIGHUP during the hang" "$("$LOGDECK" query --count '"after reload"')"
wait_for 15 grep -q "reloaded 1 rules, 2 notifiers" "$T/run.err" && pass "reload done during the hang" ||
  fail "reload done during the hang" "$(tail -2 "$T/run.err")"
logline error /p11 "boom 11" >> "$T/app.log"
wait_for 15 ge slack_ok 11 && pass "slack delivers after the reload" || fail "slack after the reload" "$(slack_ok)"
# The stuck notifier's settings changed: its request was given up and sent again.
wait_for 15 ge "grep -c '^REQ .* POST /hang -> hang$' $SINK_LOG" 2 &&
  pass "changed settings abort the hung request (sent again)" ||
  fail "changed settings abort the hung request" "$(grep -c '^REQ .* POST /hang' "$SINK_LOG")"
t2=$(ms)
stop_run
check "SIGTERM during a hang: clean exit" 0 "$RUN_RC"
[ $(( $(ms) - t2 )) -lt 3000 ] && pass "SIGTERM during a hang: stops within 3 s" ||
  fail "SIGTERM during a hang: stops within 3 s" "$(( $(ms) - t2 )) ms"
check "hung messages stay queued" '"queued":11' \
  "$("$LOGDECK" alerts list --json | grep '"name":"stuck"' | grep -o '"queued":[0-9]*')"
