# What goes out: secrets that used to leak (a password in a URL, in a
# message, a Python text line or a nested field reached by a template; an
# AWS secret key in free text; a group_by value in dedupe_key) never reach
# a request body; a record without the group_by field is sampled from its
# own group; a resolution names the records that fired (no empty
# placeholder); redaction stops at the secret (no over-redaction).
. tests/lib.sh
. tests/integration/alerts_helpers.bash
start_sink ok
cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:$SINK_PORT/hook", min_interval: 50ms}
rules:
  - name: by-path
    type: count
    query: '-logger:db'
    match: 'level>=error'
    threshold: '>= 1'
    window: 3s
    group_by: path
    resolve_hold: 0s
    notify: [hook]
    summary: '{{value}} errors in {{window}} on {{path}} ({{group}}): {{sample}} db={{db.url}}'
  - name: py
    type: count
    query: 'logger:db'
    match: 'level>=error'
    threshold: '>= 1'
    window: 3s
    resolve_hold: 0s
    notify: [hook]
    summary: '{{logger}}: {{sample}}'
Y
ts() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
: > "$T/app.log"; : > "$T/py.log"
start_run "$T/rules.yaml" "$T/app.log" "$T/py.log"
{
  printf '{"timestamp": "%s", "level": "error", "path": "/login?token=abc123secret", "event": "denied auth=x nested=y"}\n' "$(ts)"
  printf '{"timestamp": "%s", "level": "error", "path": "/db", "event": "pool down", "db": {"url": "postgres://app:hunter2@db/prod"}}\n' "$(ts)"
  printf '{"timestamp": "%s", "level": "error", "event": "no path here, key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}\n' "$(ts)"
  printf '{"timestamp": "%s", "level": "error", "path": "/other", "event": "other group"}\n' "$(ts)"
} >> "$T/app.log"
printf '%s - db - ERROR - cannot connect to postgresql://svc:pyS3cret@10.0.0.5/app\n' \
  "$(date -u '+%Y-%m-%d %H:%M:%S,000')" >> "$T/py.log"
wait_for 30 ge "grep -c '\"kind\":\"resolved\"' $SINK_LOG" 5
stop_run
check "5 groups fired and resolved" "5 5" \
  "$(grep -c '"kind":"firing"' "$SINK_LOG") $(grep -c '"kind":"resolved"' "$SINK_LOG")"
leaks=""
for s in abc123secret hunter2 pyS3cret wJalrXUtnFEMI AKIAIOSFODNN7; do
  grep '^B ' "$SINK_LOG" | grep -qF "$s" && leaks="$leaks $s"
done
check "no secret in any body (dedupe_key included)" "" "$leaks"
check "dedupe keys carry no group value" 0 "$(grep -o '"dedupe_key":"[^"]*"' "$SINK_LOG" | grep -c login)"
check "dedupe keys distinct" 10 "$(grep -o '"dedupe_key":"[^"]*"' "$SINK_LOG" | sort -u | wc -l)"
body() { grep '^B ' "$SINK_LOG" | grep "\"kind\":\"$1\"" | grep -F "$2" | head -1; }
check "nested field via template redacted" 1 \
  "$(body firing '"group":"/db"' | grep -c 'db=postgres://app:\[REDACTED\]@db/prod')"
check "python text line redacted" 1 \
  "$(body firing 'cannot connect' | grep -c 'postgresql://svc:\[REDACTED\]@10.0.0.5/app')"
check "no over-redaction" 1 "$(body firing 'denied' | grep -c 'denied auth=\[REDACTED\] nested=y')"
# The record without a path: its own sample, not another group's.
nopath=$(body firing '"group":""')
check "no-path group: its own sample" 1 "$(echo "$nopath" | grep -c '"sample":"no path here')"
check "no-path group: the query selects records without the field" 1 \
  "$(echo "$nopath" | grep -c -- '-path:\*')"
check "no-path group: summary names it" 1 "$(echo "$nopath" | grep -c 'on - ((no path)): no path here')"
# Resolutions: the values of the records that fired, never "on : ".
check "resolution names the path" 1 \
  "$(body resolved '"group":"/other"' | grep -c '"summary":"0 errors in 3s on /other (/other): other group db=-"')"
check "no empty placeholder in any message" 0 "$(grep '^B ' "$SINK_LOG" | grep -c -e 'on : ' -e '(): ' -e 'db="')"
