# One formatter for alert values in every output: a ratio rule's value is a
# percentage (as its threshold is) in `alerts run`'s transitions, `alerts
# list` (text and the value_text of --json) and the summary; counts are
# whole numbers.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
cat > "$T/rules.yaml" <<'Y'
rules:
  - name: api-error-rate
    type: ratio
    query: 'service:api'
    match: 'level>=error'
    threshold: '> 6%'
    window: 30s
    min_count: 4
    resolve_hold: 0s
    summary: 'error rate {{value}}'
  - name: api-errors
    type: count
    match: 'level>=error'
    threshold: '>= 2'
    window: 30s
    resolve_hold: 0s
    summary: '{{value}} errors'
Y
: > "$T/app.log"
start_run "$T/rules.yaml" "$T/app.log"
# The eight lines reach the file in one write: read in two parts (a loaded
# machine), 6 ok + 1 error already pass min_count and fire at 14.3%.
{ for i in 1 2 3 4 5 6; do logline info /a "ok $i"; done
  logline error /a "failed 1"; logline error /a "failed 2"; } | append_once "$T/app.log"
firing() { "$LOGDECK" alerts list --json | grep '"kind":"state"' | grep -c '"state":"firing"'; }
wait_for 20 ge firing 2 || fail "both rules fire" "$("$LOGDECK" alerts list 2>&1 | head -5)"
"$LOGDECK" alerts list > "$T/list.txt"
check "list: ratio as a percentage" "api-error-rate firing 25% > 6%" \
  "$(grep '^api-error-rate ' "$T/list.txt" | awk '{print $1, $2, $4, $5, $6}')"
check "list: count as a whole number" "api-errors firing 2 >= 2" \
  "$(grep '^api-errors ' "$T/list.txt" | awk '{print $1, $2, $4, $5, $6}')"
stop_run
check "run: ratio transition value" 1 "$(grep -c ' firing api-error-rate value=25% error rate 25%' "$T/run.out")"
check "run: count transition value" 1 "$(grep -c ' firing api-errors value=2 2 errors' "$T/run.out")"
