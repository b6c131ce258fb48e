# TUI, first start on big logs (issue 13): the new store announced with its
# cap, the newest line on screen at once, the status bar showing what the
# store covers and counts as lower bounds until the history is indexed,
# then neither; a second start on the store shows the same at once. The
# backfill's commits (history only) do not make the UI read the newest
# page and redraw each time: about once a second (-v counts them).
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
WR=$BUILD_DIR/tests/tools/writer
mkdir -p "$T/logs"
"$WR" -d "$T/logs" -n app.log -s TT -c 300000 -L 200 -o "$T/w.rec" 2>/dev/null
t0=$(date +%s%N)
tui_start 120 40 -v "$T/logs"
check_screen "first start: the new store and its cap announced" "new store at $T/db; size cap" 15
check_screen "newest line on screen while history is indexed" "TT 299999 " 15
partial_shown() { has_text " history " && has_text ">="; }   # both in the same frame
if tui_wait 10 partial_shown; then
  pass "status bar: history coverage and partial counts"
else
  fail "status bar: history coverage and partial counts" "[$(tui_screen | tail -2 | tr "\n" " ")]"
fi
if tui_wait 120 has_text " 300,000 records "; then
  pass "history complete: exact count"
else
  fail "history complete: exact count" "[$(tui_screen | tail -2 | tr "\n" " ")]"
fi
coverage() { tui_screen | grep -o ' history [0-9]*%'; }
check_wait "history complete: no coverage shown" "" 10 coverage
tui_keys q
check_screen "q exits 0" "EXIT=0"
# during the backfill: the newest page read ~once a second (history commits
# are shown with the totals), frames sent only when the screen changed;
# before, both followed every change of the store's files (here 43 pages
# and 128 frames in 13 s; 20 a second on a large store)
secs=$(( ($(date +%s%N) - t0) / 1000000000 + 1 ))
summary=$(grep -a "^tui: .* frames drawn" "$HOME/.local/state/logdeck/logdeck.log" | tail -1)
shown=$(echo "$summary" | sed -n 's/.*new data shown \([0-9]*\) times.*/\1/p')
sent=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) sent to the terminal.*/\1/p')
if [ -n "$shown" ] && [ "$shown" -le $((secs + 15)) ] && [ "$sent" -le $((2 * secs + 20)) ]; then
  pass "backfill: new data shown $shown times, $sent frames sent in ${secs} s"
else
  fail "backfill: new data shown about once a second" "[$summary] over ${secs} s"
fi
tui_start 120 40 "$T/logs"
check_screen "second start: newest line at once" "TT 299999 "
check "second start: no new-store notice" "" "$(tui_screen | grep -o 'new store at')"
tui_keys q
check_screen "q exits 0 again" "EXIT=0"
# 80x24 (the SSH minimum) during a backfill: the full right side (size, lag)
# does not fit beside the count; the progress does, in short (before: the
# status bar showed only ">=N records")
rm -f "$T/db" "$T/db-wal" "$T/db-shm"
tui_start 80 24 "$T/logs"
if tui_wait 10 sh -c "tmux -L '$TS' capture-pane -p | sed -n 23p | grep -Eq '>=[0-9,]+ records +history [0-9]+%.* lost 0'"; then
  pass "80x24 during the backfill: progress in the status bar"
else
  fail "80x24 during the backfill: progress in the status bar" "[$(tui_line 23)]"
fi
tui_keys q
check_screen "q exits 0 (80x24)" "EXIT=0"
