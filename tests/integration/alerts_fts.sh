# Rules whose query has full-text words or a phrase see records that arrive
# while `alerts run` is running (the scanner must find FTS matches at run
# time, not freeze the matches it saw when the rule was prepared).
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink ok
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 100ms}
rules:
  - name: db-timeouts
    type: count
    query: 'service:api "db timeout"'
    threshold: '>= 4'
    window: 30s
    severity: warning
    notify: [hook]
  - name: word-rule
    type: count
    query: 'gateway level>=error'
    threshold: '>= 3'
    window: 30s
    notify: [hook]
Y
logline info /x "warm-up line before the daemon starts" > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
warm() { [ "$("$LOGDECK" query --count '' 2>/dev/null)" = 1 ]; }
wait_for 20 warm   # the file read to its end: what follows arrives live
for i in 1 2 3 4; do logline error /api/pay "db timeout after ${i}000 ms"; done >> "$T/app.log"
for i in 1 2 3; do logline error /api/pay "gateway unreachable ($i)"; done >> "$T/app.log"
logline error /api/pay "db slow, no timeout phrase" >> "$T/app.log"
wait_for 30 sh -c "grep -c '\"kind\":\"firing\"' '$SINK_LOG' | grep -qx 2"
fired=$(grep '^B ' "$SINK_LOG" | grep '"kind":"firing"' | grep -o '"rule":"[a-z-]*"' | cut -d'"' -f4 | sort | tr '\n' ' ')
check "phrase and word rules fire on live records" "db-timeouts word-rule " "$fired"
check "phrase rule counted exactly its 4 records" 1 \
  "$(grep '^B ' "$SINK_LOG" | grep '"rule":"db-timeouts"' | grep -c '"value":4[,.}]')"
stop_run
check "clean exit" 0 "$RUN_RC"
