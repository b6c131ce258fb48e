# Reopening where the user left off, per store: the filter, the selected
# record (when not following), the marks, the time column and the view
# come back on the next start; --fresh starts clean; a damaged session
# file is reported and ignored; the file is private (0600).
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
cp "$FIX/api.jsonl" "$T/"
export TUI_FRESH=
sess_dir="$HOME/.local/state/logdeck/sessions"

tui_start 100 30 "$T/api.jsonl"
check_line "started" 28 "10:10:09.000 ERROR api          connection reset by peer" 15
tui_keys / 'level>=warning' Enter
check_screen "filtered" "level>=warning │ 13 of 47"
tui_keys k k x
check_screen "a mark" "marked; 1 marked"
tui_keys T
check_screen "time column" "time column: elapsed since the previous record"
tui_keys q
tui_wait 15 has_text "EXIT=0"
check "one session file" 1 "$(ls "$sess_dir" 2>/dev/null | wc -l | tr -d ' ')"
check "session file is private" 600 "$(stat -c %a "$sess_dir"/* 2>/dev/null)"

tui_start 100 30 "$T/api.jsonl"
check_screen "says it reopened" "reopened where you left off: level>=warning, at the record you had" 15
check_screen "the filter is back" "level>=warning │ 13 of 47"
check_screen "paused at the record" " PAUSED "
tui_keys Enter
check_screen "the same record selected" " time        2024-05-01T10:09:30.000000Z"
tui_keys Escape
check_screen "the mark and the time column are back" "+1m15.0s    *WARN  api          slow request #38"

# Quit from the metrics view: the next start opens it.
tui_keys G m
check_screen "metrics open" " Metrics ·"
tui_keys : q Enter
tui_wait 15 has_text "EXIT=0"
tui_start 100 30 "$T/api.jsonl"
check_screen "the metrics view is back" " Metrics · " 15
check_screen "metrics of the filter" "· 13 records · 6 errors (46.2%)" 15
tui_keys q
check_screen "following again (quit while following)" " FOLLOW " 15
tui_keys q
tui_wait 15 has_text "EXIT=0"

# --fresh: nothing reopened (and nothing forgotten: the file stays).
TUI_FRESH=--fresh tui_start 100 30 "$T/api.jsonl"
check_line "--fresh: everything, newest" 28 "10:10:09.000 ERROR api          connection reset by peer" 15
check "--fresh: no filter" 0 "$(tui_screen | grep -c 'level>=warning')"
tui_keys q
tui_wait 15 has_text "EXIT=0"

# A damaged file: said once, then a fresh start.
printf 'not a session\n' > "$(ls -d "$sess_dir"/*)"
tui_start 100 30 "$T/api.jsonl"
check_screen "damaged file reported" "last session not reopened: $sess_dir/" 15
check_line "damaged file: fresh start" 28 "10:10:09.000 ERROR api          connection reset by peer"
tui_keys q
