# TUI alerts view (issue 7), 120x40, against a live `logdeck alerts run`
# delivering to tests/tools/httpsink on 127.0.0.1: the status bar counts
# firing alerts; `a` lists the firing rule with its value against its
# threshold, an ok rule, each notifier's delivery status (one delivering,
# one broken by a 404 with the endpoint's reason) and the history; `A`
# acknowledges, `s` + a typed duration silences (both land in the store);
# Enter opens the log view filtered to exactly the records that fired.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
. tests/fixtures/tui/tuilib.sh
trap '_tui_kill_all; _alerts_cleanup' EXIT   # tmux, httpsink and alerts run
export LOGDECK_DB="$T/db"                    # the store tui_start opens

# Ages and evaluation times move: lines are compared with them replaced.
norm() { sed -E 's/ +[0-9]+s ago/ <eval>/; s/ +[0-9]+(m[0-9]{2})?s <eval>/ <age> <eval>/
                s/^ [0-2][0-9]:[0-5][0-9]:[0-5][0-9] / <time> /'; }
nline() { tui_line "$1" | norm; }
nline_is() { [ "$(nline "$1")" = "$2" ]; }
check_nline() {
  if tui_wait "${4:-$TUI_WAIT}" nline_is "$2" "$3"; then pass "$1"; else
    fail "$1" "line $2: expected [$3] got [$(nline "$2")]"; fi
}
json_state() { "$LOGDECK" alerts list --json | grep "\"rule\":\"$1\""; }
line() { # LEVEL DURATION_MS MESSAGE
  printf '{"timestamp": "%s", "level": "%s", "service": "api", "path": "/v1/tts", "duration_ms": %s, "event": "%s"}\n' \
    "$(now_ts)" "$1" "$2" "$3"
}

start_sink ok
echo "/gone 404" > "$SINK_CTL"
cat > "$T/rules.yaml" <<Y
notifiers:
  hook:  {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 50ms}
  audit: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/gone", min_interval: 50ms}
rules:
  - name: api-errors
    type: count
    query: 'service:api'
    match: 'level>=error'
    threshold: '>= 3'
    window: 1m
    severity: critical
    notify: [hook, audit]
  - name: api-slow
    type: metric
    query: 'service:api'
    field: duration_ms
    agg: max
    threshold: '> 1000'
    window: 1m
    notify: [hook]
Y
{ line info 250 "request served"; line info 120 "request served"; } > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log" || fail "alerts run starts" "$(cat "$T/run.err")"
for i in 1 2 3; do line error 40 "upstream failed $i"; done >> "$T/app.log"
firing_delivered() { json_state api-errors | grep -q '"state":"firing"' && [ "$(sent 200)" -ge 1 ] &&
  "$LOGDECK" alerts list --json | grep -q '"name":"audit".*"state":"broken"'; }
wait_for 30 firing_delivered || fail "alert fired and was delivered" "$(cat "$T/run.out" "$T/run.err")"

tui_start 120 40
check_screen "log view: status bar counts firing alerts" " FOLLOW  ⚠ 1 firing  5 records " 15

tui_keys a
keys="A ack  s silence  Enter records  Esc back"
check_line "alerts: title with counts and keys" 1 \
  " Alerts · 1 firing · 0 pending · 2 rules · 2 notifiers                        $keys"
check_line "alerts: column headings" 2 \
  " STATE    SEVERITY  RULE                                              VALUE  THRESHOLD     AGE LAST EVAL  NOTE"
check_nline "alerts: firing rule, value vs threshold, on top" 3 \
  " FIRING   critical  api-errors                                            3  >= 3 <age> <eval>"
check_nline "alerts: a rule that is ok, its value vs threshold" 4 \
  " ok       warning   api-slow                                            250  > 1000 <eval>"
check_line "alerts: notifier headings" 6 \
  " NOTIFIER         TYPE     STATE     QUEUED   SENT RETRYING FAILED  ENDPOINT / REASON"
check_line "alerts: a broken notifier with the endpoint's reason" 7 \
  " audit            webhook  BROKEN         1      0        0      0  HTTP 404: channel_not_found"
check_line "alerts: a delivering notifier: sent" 8 \
  " hook             webhook  ok             0      1        0      0  http://127.0.0.1:$SINK_PORT/****"
check_nline "alerts: history shows the firing" 11 \
  " <time> firing   api-errors                                3 api-errors: 3 records over 1m (threshold >= 3)"

# A: acknowledged, in the view and in the store.
tui_keys A
check_screen "A: confirmation" "acknowledged api-errors (until it resolves)"
check_nline "A: the alert shows acknowledged" 3 \
  " FIRING   critical  api-errors                                            3  >= 3 <age> <eval>  acked"
check "A: acknowledged in the store" 1 "$(json_state api-errors | grep -c '"acked":true')"

# s: the prompt, a typed duration, silenced.
tui_keys s
check_line "s: the silence prompt" 38 \
  " Silence api-errors for  15m [1h] 4h  1d   or type (minutes, 2h, 1d):    Enter silence  Esc cancel"
tui_keys 9 0 m Enter
check_screen "s 90m (m typed in the prompt, not the metrics view): confirmation" \
  "silenced api-errors for 1h30m (until"
check_nline "s: the alert shows silenced" 3 \
  " FIRING   critical  api-errors                                            3  >= 3 <age> <eval>  acked silenced"
check "s: silenced in the store" 1 "$(json_state api-errors | grep -c '"silenced":true')"

# Enter: the log view with exactly the three records that fired.
tui_keys Enter
check_screen "Enter: the log view, filtered" "(service:api) (level>=error) since:" 15
check_screen "Enter: status bar still counts the firing alert" " FOLLOW  ⚠ 1 firing  (service:api)"
records() { tui_screen | sed -n '1,38p' | sed '/^$/d' | cut -c25- ; }
want="ERROR api            upstream failed 1  40.0 ms
ERROR api            upstream failed 2  40.0 ms
ERROR api            upstream failed 3  40.0 ms"
check_wait "Enter: exactly the records that made it fire" "$want" 15 records
check_screen "Enter: 3 of 5 records match" "│ 3 of 5"

tui_keys a
check_screen "a: the alerts view again" "api-errors"
tui_keys q
check_screen "q: back to the log view" "│ 3 of 5"
tui_keys q
check_screen "q exits 0" "EXIT=0"
