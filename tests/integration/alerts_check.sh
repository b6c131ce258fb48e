# `alerts check` accepts the good rules file and rejects a catalogue of bad
# ones with FILE:LINE:COL messages and exit 2; `alerts test` dry-runs rules
# over stored history (when each would have fired and resolved) and sends
# nothing.
. tests/lib.sh
F=tests/fixtures/alerts
export SLACK_WEBHOOK_URL=http://127.0.0.1:9/never
check_rc "good.yaml accepted" 0 "$LOGDECK" alerts check $F/good.yaml
check "good.yaml summary" "$F/good.yaml: 7 rules, 2 notifiers: ok" "$(cat "$T/.out")"
while read -r file where what; do
  "$LOGDECK" alerts check "$F/$file" >"$T/o" 2>"$T/e"; rc=$?
  first=$(head -1 "$T/e")
  want="logdeck alerts check: $F/$file:$where: $what"
  if [ "$rc" = 2 ] && [ "${first#"$want"}" != "$first" ]; then pass "check $file"
  else fail "check $file" "exit $rc, wanted 2 and [$want...], got [$first]"; fi
done <<'L'
bad_syntax.yaml 3:4 YAML syntax:
bad_type.yaml 3:11 type: unknown value 'ratoi'
bad_query.yaml 4:20 bad query 'level>=loud': unknown level 'loud' at col 8
bad_key.yaml 5:5 unknown key 'treshold' in a rule
bad_duration.yaml 4:13 window: '5 minutes' is not a duration
bad_threshold.yaml 5:16 threshold: 'more than 5' is not an operator and number
bad_notify.yaml 2:5 rule 'a' notifies 'nobody', which no notifier defines
bad_dup.yaml 4:5 duplicate rule name 'a' (first at line 2)
bad_ratio.yaml 2:5 rule 'a': a ratio rule needs match:
bad_metric.yaml 2:5 rule 'a': a metric rule needs field:
bad_notifier.yaml 2:13 type: unknown value 'pager'
bad_since.yaml 4:12 since:/until: have no place in a rule query
bad_template.yaml 4:14 template: '{{' at offset 0 is never closed
bad_rules_map.yaml 2:3 rules: expected a list of rules
bad_top.yaml 1:1 unknown key 'rulez' in the top level
bad_name.yaml 2:11 rule name 'a b'
bad_groupby.yaml 4:15 group_by: one field is supported, not 2
L
check_rc "missing file is exit 1" 1 "$LOGDECK" alerts check "$T/none.yaml"
check_rc "usage is exit 2" 2 "$LOGDECK" alerts check

# Dry run over history: a burst of errors at 10:00:30, quiet afterwards.
for s in 00 10 20 30 30 30 30 30 31 40 50; do
  lvl=info; case $s in 30|31) lvl=error ;; esac
  printf '{"timestamp": "2026-01-01T10:00:%s.000Z", "level": "%s", "service": "api", "event": "e%s"}\n' "$s" "$lvl" "$s"
done > "$T/hist.log"
printf '{"timestamp": "2026-01-01T10:05:00.000Z", "level": "info", "service": "api", "event": "late"}\n' >> "$T/hist.log"
"$LOGDECK" index "$T/hist.log" >/dev/null 2>&1
cat > "$T/r.yaml" <<'Y'
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:9/never"}
rules:
  - name: burst
    type: count
    match: 'level>=error'
    threshold: '>= 5'
    window: 10s
    resolve_hold: 0s
    notify: [hook]
    summary: '{{value}} errors'
Y
check_rc "alerts test runs" 0 "$LOGDECK" alerts test "$T/r.yaml" --since 1h
check "alerts test: fired and resolved" \
  "2026-01-01T10:00:30|firing|burst|5 errors
2026-01-01T10:00:40|resolved|burst|1 errors
1 firing, 1 resolved over 1h of history; nothing was sent" \
  "$(sed -E 's/^([0-9T:-]{19})[0-9.]*Z +([a-z]+) +([a-z]+)  (.*)  \(.*\)$/\1|\2|\3|\4/' "$T/.out")"
check "alerts test wrote nothing" "" "$("$LOGDECK" alerts list --json)"
