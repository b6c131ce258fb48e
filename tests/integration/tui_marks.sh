# TUI marks and the elapsed-time column (lnav's bookmarks and T): x marks
# the selected record (a * before its level), u / U jump between marks,
# :wm writes only the marked records, :marks counts and clears; T cycles
# the time column through clock time, time since the previous record and
# time since the mark before each record. A status message is cleared by
# the next action (no stale error after a later success).
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
cp "$FIX/api.jsonl" "$T/"

tui_start 100 30 "$T/api.jsonl"
check_line "started" 28 "10:10:09.000 ERROR api          connection reset by peer" 15

# Mark the oldest record and the third one.
tui_keys g x
check_line "x marks: * before the level" 1 "10:00:00.000*INFO  api          Request received #0"
check_screen "x says how many are marked" "marked; 1 marked (u U jump, :wm FILE writes them)"
tui_keys j j x
check_line "second mark" 3 "10:00:30.000*DEBUG api          cache lookup #2"
check_line "unmarked row has no *" 2 "10:00:15.000 INFO  api          Request completed #1  200  13.5 ms"

# T: elapsed since the previous record, then since the mark before each.
tui_keys T
check_screen "T: says the mode" "time column: elapsed since the previous record"
check_line "delta column" 2 "+15.000s     INFO  api          Request completed #1  200  13.5 ms"
check_line "delta column keeps the mark" 3 "+15.000s    *DEBUG api          cache lookup #2"
tui_keys T
check_screen "T again: since the mark" "time column: elapsed since the mark before each record"
check_line "since mark: the mark itself" 3 "+0.000s     *DEBUG api          cache lookup #2"
check_line "since mark: after it" 4 "+15.000s     WARN  api          slow request #3"
check_line "since mark: before the second mark" 2 "+15.000s     INFO  api          Request completed #1  200  13.5 ms"
tui_keys T
check_line "T a third time: clock again" 2 "10:00:15.000 INFO  api          Request completed #1  200  13.5 ms"

# u / U from the newest record.
tui_keys G U Enter
check_screen "U: the previous mark" " time        2024-05-01T10:00:30.000000Z"
tui_keys Escape U Enter
check_screen "U again: the one before" " time        2024-05-01T10:00:00.000000Z"
tui_keys Escape U
check_screen "U past the first mark" "no mark above"
tui_keys u Enter
check_screen "u: the next mark" " time        2024-05-01T10:00:30.000000Z"
tui_keys Escape

# :wm writes only the marked records, oldest first, as JSON lines.
tui_keys : "wm $T/marked.jsonl" Enter
tui_wait 10 test -s "$T/marked.jsonl"
tui_wait 10 has_text "wrote 2"
check "wm: two records" 2 "$(wc -l <"$T/marked.jsonl" | tr -d ' ')"
check "wm: the marked ones, oldest first" "Request received #0|cache lookup #2" \
  "$(sed 's/.*"msg":"\([^"]*\)".*/\1/' "$T/marked.jsonl" | tr '\n' '|' | sed 's/|$//')"
tui_keys : "wmr $T/marked.raw" Enter
# (the file is not empty after its first line: wait for its whole content)
check_wait "wmr: the raw lines" "$(sed -n '1p;3p' "$T/api.jsonl")" 10 cat "$T/marked.raw"
tui_keys : marks Enter
check_screen ":marks counts" "2 marked (x marks, u U jump"
tui_keys : "marks clear" Enter
check_screen ":marks clear" "2 marks cleared"
tui_keys g
check_line "no mark after clear" 1 "10:00:00.000 INFO  api          Request received #0"
tui_keys : wm Space "$T/none.jsonl" Enter
check_screen ":wm without marks says so" "no marked records: x marks the selected record"

# A message lasts until the next action.
tui_keys : "goto nonsense" Enter
check_screen "bad goto: error shown" "goto: cannot read 'nonsense' as a time"
tui_keys : "goto 10:05" Enter
if tui_wait 10 has_text "? help  / filter"; then pass "next action clears the old error"
else fail "next action clears the old error" "$(tui_line 30)"; fi
check "no stale error" 0 "$(tui_screen | grep -c "cannot read 'nonsense'")"
tui_keys q
