# Delivery that loses nothing: a 429 storm delays but loses nothing and
# honours Retry-After; 500s for a long (time-compressed) stretch then
# recovery delivers everything exactly once; 404 channel_not_found marks
# the notifier broken (shown by `alerts list`) until its config changes.
. tests/lib.sh
. tests/integration/alerts_helpers.bash

# rules_file NOTIFIER_EXTRA PATH_SUFFIX: three groups, each fires once.
rules_file() {
  cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/$2", min_interval: 50ms, $1}
rules:
  - name: path-errors
    type: count
    match: 'level>=error'
    threshold: '>= 2'
    window: 1m
    group_by: path
    resolve_notify: false
    notify: [hook]
Y
}
burst() { for p in /a /b /c; do logline error $p boom; logline error $p boom; done >> "$T/app.log"; }
firing_keys() { grep '^B ' "$SINK_LOG" | grep -o '"dedupe_key":"[^"]*"' | sort; }
# notifier FIELD_RE: the notifier's fields matching FIELD_RE in `alerts list
# --json`. Its state and counts are committed after the sink has answered:
# checks of them wait (check_wait) rather than read once.
notifier() { "$LOGDECK" alerts list --json | grep '"kind":"notifier"' | grep -o "$1"; }

# --- 429 storm ---------------------------------------------------------------
start_sink "429:1"
rules_file "backoff: 50ms" hook
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
burst
wait_for 30 ge "sent 429" 3
sleep 1.5   # the storm goes on a while (time-based: more 429s, each honoured)
echo ok > "$SINK_CTL"
wait_for 20 ge "sent 200" 3
check "429 storm: all 3 delivered" 3 "$(sent 200)"
check "429 storm: nothing twice" 3 "$(grep '^REQ .* -> 200' -A6 "$SINK_LOG" | grep -o '"dedupe_key":"[^"]*"' | sort -u | wc -l)"
# Every request after a 429 waited the Retry-After second.
gaps=$(grep '^REQ ' "$SINK_LOG" | awk '{ if (prev429 && $3 - t < 950) bad++; prev429 = ($NF == 429); t = $3 } END { print bad + 0 }')
check "429 storm: Retry-After honoured" 0 "$gaps"
stop_run
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- 500s, time-compressed, then recovery --------------------------------------
rm -f "$T/store.db"*
start_sink 500
rules_file "backoff: 20ms, backoff_max: 200ms, max_age: 1h" hook
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
burst
wait_for 30 ge "sent 500" 15
n500=$(sent 500)
if [ "$n500" -ge 15 ]; then pass "500s: retried with backoff ($n500 attempts)"; else fail "500s: retried" "only $n500 attempts"; fi
check "500s: nothing failed yet" 0 "$(notifier '"failed":[0-9]*' | cut -d: -f2)"
echo ok > "$SINK_CTL"
wait_for 30 ge "sent 200" 3
check_wait "500s: notifier ok again" '"state":"ok"' 10 notifier '"state":"[a-z]*"'
sleep 0.5   # nothing more may come: a fourth message would be a failure below
check "500s then recovery: everything delivered once" 3 "$(sent 200)"
stop_run
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- 404 channel_not_found: broken until the configuration changes -----------
rm -f "$T/store.db"*
start_sink ok
echo "/gone 404" > "$SINK_CTL"
rules_file "backoff: 20ms" gone
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
burst
wait_for 30 ge "sent 404" 1
check_wait "404: notifier broken with Slack's error" '"state":"broken","reason":"HTTP 404: channel_not_found"' 10 \
  notifier '"state":"[a-z]*","reason":"[^"]*"'
check_wait "404: messages kept" '"queued":3' 10 notifier '"queued":[0-9]*'
sleep 1   # nothing more may come: a second attempt would be a failure below
check "404: one attempt, then stop" 1 "$(sent 404)"
rules_file "backoff: 20ms" fixed
kill -HUP "$RUN_PID"
wait_for 30 ge "sent 200" 3
check "404: delivered after the config changed" 3 "$(sent 200)"
stop_run

# --- rate limit: at most one message per second per webhook (the default) ---
rm -f "$T/store.db"*
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=
start_sink ok
rules_file "timeout: 5s" hook
sed -i 's/min_interval: 50ms, //' "$T/rules.yaml"
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
burst
wait_for 30 ge "sent 200" 3
check "rate limit: 3 delivered" 3 "$(sent 200)"
check "rate limit: >= 1 s between messages" 0 \
  "$(grep '^REQ ' "$SINK_LOG" | awk 'NR > 1 && $3 - t < 990 { bad++ } { t = $3 } END { print bad + 0 }')"
stop_run
