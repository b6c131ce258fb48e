# The field catalogue as users meet it: `logdeck fields` lists the fields
# the store has seen with counts, --names feeds completion, and a query or
# stats on a field no record has warns on stderr with the nearest names
# (the answer is still given: 0 records, exit 0).
. tests/lib.sh
"$LOGDECK" index tests/fixtures/*.jsonl tests/fixtures/*.log >/dev/null 2>&1
check "fields header" "field	records	numeric" "$("$LOGDECK" fields | head -1)"
check "process.id: records and numbers" "process.id	9	9" "$("$LOGDECK" fields | grep -P '^process\.id\t')"
check "fields --json" '{"field":"process.id","records":9,"numeric":9}' \
  "$("$LOGDECK" fields --json | grep -F '"field":"process.id"')"
check "--names: the language's fields first" "ts level cid service" "$("$LOGDECK" fields --names | head -4 | tr '\n' ' ' | sed 's/ $//')"
check "--names: catalogue too" 1 "$("$LOGDECK" fields --names | grep -cx 'customer_id')"
check "every catalogue row once" "$("$LOGDECK" fields | tail -n +2 | wc -l | tr -d ' ')" \
  "$("$LOGDECK" fields | tail -n +2 | cut -f1 | sort -u | wc -l | tr -d ' ')"

check_rc "unknown field: still exit 0" 0 "$LOGDECK" query --count 'levle>=error'
check "unknown field: answer" 0 "$(cat "$T/.out")"
check "unknown field: warning" "logdeck query: warning: no record has field 'levle' (did you mean 'level' or 'lvl'?)" "$(cat "$T/.err")"
check_rc "nested typo" 0 "$LOGDECK" query --count 'proces.id:1234'
check "nested typo: nearest first" "logdeck query: warning: no record has field 'proces.id' (did you mean 'process.id', 'process_id' or 'procid'?)" "$(cat "$T/.err")"
check_rc "stats warns too" 0 "$LOGDECK" stats 'staus_code>=500'
check "stats warning" "logdeck stats: warning: no record has field 'staus_code' (did you mean 'status_code'?)" "$(cat "$T/.err")"
check_rc "known field: no warning" 0 "$LOGDECK" query --count 'process.id:1234'
check "known field: silent" "" "$(cat "$T/.err")"
check "known parent object: no warning" "" "$("$LOGDECK" query --count 'process:*' 2>&1 >/dev/null)"
check "no near name: just the fact" "logdeck query: warning: no record has field 'zzzqqq'" \
  "$("$LOGDECK" query --count 'zzzqqq:1' 2>&1 >/dev/null)"

# The TUI says it too: in the status line after the filter is applied, and
# under the query bar's text while it is open.
. tests/fixtures/tui/tuilib.sh
"$LOGDECK" --db "$T/db" index tests/fixtures/*.jsonl tests/fixtures/*.log >/dev/null 2>&1
tui_start 100 30
check_screen "tui started" " records " 15
tui_keys / 'levle>=error' Enter
check_screen "tui: status line warns" "no record has field 'levle' (did you mean 'level' or 'lvl'?)" 15
tui_keys /
check_screen "tui: the bar warns under the text" "no record has field 'levle'"
tui_keys Escape
tui_keys / C-u 'level>=error' Enter
check_screen "tui: a known field clears it" " │ 27 of 98 " 15
check "tui: no stale warning" 0 "$(tui_screen | grep -c "no record has field")"
tui_keys q
