# Tail-first indexing and alerts (issue 13): history backfilled while
# `alerts run` follows a file is not fed to the rules as new records (no
# `any` notification for old errors), a line written meanwhile is.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink ok
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 100ms}
rules:
  - name: any-error
    type: any
    match: 'level>=error'
    severity: critical
    notify: [hook]
    summary: '{{sample}}'
Y
# 200k lines (~40 MB): an old error every 1000 lines in the first 150k,
# then info only (the newest 2 MB, read first, hold no error)
ts=$(now_ts)
awk -v ts="$ts" 'BEGIN { for (i = 0; i < 200000; i++) {
  lv = (i < 150000 && i % 1000 == 0) ? "error" : "info"
  printf "{\"timestamp\": \"%s\", \"level\": \"%s\", \"service\": \"api\", \"event\": \"old %s %d %0120d\"}\n", ts, lv, lv, i, 0 } }' >"$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
partial() { "$LOGDECK" store info --json | grep -q "\"partial\":$1"; }
wait_for 20 partial true
logline error /api/pay "fresh failure during the backfill" >>"$T/app.log"
wait_for 60 partial false
wait_for 10 grep -q "fresh failure" "$SINK_LOG"
sleep 2
stop_run
check "history backfilled: all old errors stored" 150 "$("$LOGDECK" query --count 'level:error "old error"')"
check "history backfilled: old errors marked history" 150 \
  "$("$LOGDECK" query --json --limit 0 'level:error "old error"' | grep -c '"history":true')"
check "alerts: the live error notified, no old error" "1 0" \
  "$(grep -c 'fresh failure' "$SINK_LOG") $(grep -c 'old error' "$SINK_LOG")"
