# fv_rowcheck.sh: a field equality checked row by row (the point queries
# of a page, the alert rules) skips the JSON parse of a record whose text
# cannot hold the value (ld_fieldmay), and still finds the value wherever
# it is spelt otherwise: escaped in the JSON (\u004f), inside an array;
# and does not take a value that only another field, or a longer value,
# holds. Every answer is counted by hand from the lines below.
. tests/lib.sh

cat >"$T/rc.jsonl" <<'EOF'
{"timestamp": "2024-03-01T10:00:00Z", "level": "info", "event": "e1", "method": "P\u004fST"}
{"timestamp": "2024-03-01T10:00:01Z", "level": "info", "event": "e2", "method": "POST"}
{"timestamp": "2024-03-01T10:00:02Z", "level": "info", "event": "e3", "method": "GET", "note": "POST"}
{"timestamp": "2024-03-01T10:00:03Z", "level": "info", "event": "e4", "method": ["GET", "POST"]}
{"timestamp": "2024-03-01T10:00:04Z", "level": "info", "event": "e5", "method": "POSTAL"}
{"timestamp": "2024-03-01T10:00:05Z", "level": "info", "event": "e6", "method": "PO\"ST"}
{"timestamp": "2024-03-01T10:00:06Z", "level": "warning", "event": "e7", "method": "POST"}
EOF
if ! "$LOGDECK" index "$T/rc.jsonl" >"$T/index.out" 2>&1; then
  fail "index" "$(head -c 300 "$T/index.out")"; exit 0
fi
q() { "$LOGDECK" query "$@" 2>&1; }
ev() { q --json --limit 50 "$1" | sed -n 's/.*"msg":"\(e[0-9]\)".*/\1/p' | sort | tr '\n' ' '; }

check "page of the term alone (its list)" "e1 e2 e4 e7 " "$(ev method:POST)"
check "point queries: escaped, plain, in an array" "e1 e2 e4 " "$(ev 'method:POST level:info')"
check "a value of another field is not the field's" "e3 e4 " "$(ev 'method:GET level:info')"
check "a longer value is not the value" "e5 " "$(ev 'method:POSTAL level:info')"
check "a quote in the value (escaped in the text)" "e6 " "$(ev 'method:PO"ST level:info')"
check "NOT, row by row" "e3 e5 e6 " "$(ev 'level:info -method:POST event:e*')"
check "count" 3 "$(q --count 'method:POST level:info')"

cat >"$T/rules.yaml" <<'EOF'
rules:
  - name: posts
    type: count
    query: 'method:POST level:info'
    threshold: '>= 1'
    window: 1h
EOF
"$LOGDECK" alerts test "$T/rules.yaml" --since 100000h >"$T/at.out" 2>&1
check "an alert rule counts the same records" 1 "$(grep -c 'posts: 3 records' "$T/at.out")"
