# Every text output of every command escapes what comes from log lines as
# `query` does: no raw ESC (title change, screen clear) from `alerts list`,
# `alerts test` or `alerts run`, and bidi controls and zero-width
# characters shown escaped (\u202e) by `query` as in the TUI.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
ESC=$(printf '\033')
evil() { # a message that retitles the pane, clears the screen, reverses text
  printf 'pwn %s]0;owned%s %s[2J%s[31m red \342\200\256gnp.exe \342\200\213zw \357\273\277bom \342\201\246iso\342\201\251 \342\200\217rlm end' \
    "$ESC" "$(printf '\a')" "$ESC" "$ESC"
}
raw_bytes() { # count of lines of file $1 holding ESC, BEL or a bidi/zero-width char
  LC_ALL=C grep -c -e "$ESC" -e "$(printf '\a')" -e "$(printf '\342\200\256')" \
    -e "$(printf '\342\200\213')" -e "$(printf '\357\273\277')" -e "$(printf '\342\201\246')" \
    -e "$(printf '\342\200\217')" "$1"
}
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
msg=$(evil)
printf '{"timestamp": "%s", "level": "error", "service": "api", "path": "/p%s[2J", "event": "%s"}\n' \
  "$now" "$ESC" "$(printf '%s' "$msg" | sed 's/\x1b/\\u001b/g; s/\x07/\\u0007/g')" > "$T/app.log"
"$LOGDECK" index "$T/app.log" >/dev/null 2>&1
"$LOGDECK" query pwn > "$T/q.txt" 2>&1
check "query: one record" 1 "$(grep -c pwn "$T/q.txt")"
check "query: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/q.txt")"
check "query: bidi override shown as \\u202e" 1 "$(grep -c 'red \\u202egnp.exe \\u200bzw \\ufeffbom \\u2066iso\\u2069 \\u200frlm' "$T/q.txt")"
check "query: ESC shown as \\x1b" 1 "$(grep -c 'pwn \\x1b\]0;owned\\x07 \\x1b\[2J' "$T/q.txt")"

cat > "$T/rules.yaml" <<Y
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:1/x"}
rules:
  - name: errs
    type: count
    match: 'level>=error'
    threshold: '>= 1'
    window: 1h
    group_by: path
    notify: [hook]
    summary: '{{path}}: {{sample}}'
Y
"$LOGDECK" alerts test "$T/rules.yaml" --since 2h > "$T/test.txt" 2>&1
check "alerts test: the firing is listed" 1 "$(grep -c '^.* firing ' "$T/test.txt")"
check "alerts test: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/test.txt")"
check "alerts test: group and sample escaped" 1 "$(grep -c 'errs//p\\x1b\[2J  /p\\x1b\[2J: pwn \\x1b\]0;owned' "$T/test.txt")"
"$LOGDECK" alerts test "$T/rules.yaml" --since 2h --json > "$T/test.json" 2>&1
check "alerts test --json: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/test.json")"

: > "$T/live.log"
start_run "$T/rules.yaml" "$T/live.log"
cat "$T/app.log" | sed "s/$now/$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)/" >> "$T/live.log"
wait_for 30 grep -q firing "$T/run.out"
stop_run
check "alerts run: the firing is printed" 1 "$(grep -c ' firing errs/' "$T/run.out")"
check "alerts run: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/run.out")"
"$LOGDECK" alerts list > "$T/list.txt" 2>&1
check "alerts list: the state is listed" 1 "$(grep -c '^errs//p\\x1b\[2J ' "$T/list.txt")"
check "alerts list: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/list.txt")"
"$LOGDECK" alerts list --json > "$T/list.json" 2>&1
check "alerts list --json: no raw control, bidi or zero-width character" 0 "$(raw_bytes "$T/list.json")"
