# TUI at 80x24 (the SSH minimum): the compact layout, resize (SIGWINCH)
# keeping the selection, an 8-colour terminal, NO_COLOR, and the
# 24-row detail pane.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
cp "$FIX/api.jsonl" "$FIX/worker.log" "$T/"

tui_start 80 24 "$T/api.jsonl" "$T/worker.log"
check_line "80x24: newest record on row 22" 22 \
  "10:10:09.000 ERROR api        connection reset by peer" 15
check_line "80x24: wide service aligned" 21 \
  "10:10:07.000 INFO  サービス   aligned after wide service"
check_line "80x24: long service cut with an ellipsis" 14 \
  "10:09:51.456 ERROR worker.ta… task failed [3f2a9c1e-8b7d-4c1a-9e2f-0a [+4 lines]"
status_fits() { case "$(tui_line 23)" in " FOLLOW  50 records "*"lost 0") return 0 ;; esac; return 1; }
if tui_wait 10 status_fits; then pass "80x24: status bar fits"
else fail "80x24: status bar fits" "[$(tui_line 23)]"; fi

# Select the escape record (3 up from the newest), then resize.
tui_keys k k k
check_screen "scrolling up pauses follow" " PAUSED "
tmux -L "$TS" resize-window -x 130 -y 35
check_line "resize: wide layout with dates" 33 \
  "2024-05-01 10:10:09.000 ERROR api            connection reset by peer"
tui_keys Enter
check_screen "resize keeps the selection (130x35)" " cid         req-esc"
tui_keys Escape
tmux -L "$TS" resize-window -x 80 -y 24
check_line "resize back to 80x24" 22 "10:10:09.000 ERROR api        connection reset by peer"
tui_keys Enter
check_screen "resize keeps the selection (80x24)" " cid         req-esc"
check_screen "detail pane fits 24 rows" " record #"
tui_keys Escape G
check_screen "G follows again" " FOLLOW "
# Rapid resizes do not kill it.
for s in 60x15 200x60 81x25 40x10 80x24; do
  tmux -L "$TS" resize-window -x "${s%x*}" -y "${s#*x}"
done
check_line "survives resize storms" 22 "10:10:09.000 ERROR api        connection reset by peer"
tui_keys q
check_screen "q after resizes exits 0" "EXIT=0"

# An 8-colour terminal and NO_COLOR still draw everything.
TUI_TERM=xterm tui_start 80 24 "$T/api.jsonl"
check_line "8-colour terminal" 22 "10:10:09.000 ERROR api        connection reset by peer" 15
if tmux -L "$TS" capture-pane -p -e | grep -q $'\e\\[3[0-7]m'; then pass "8-colour terminal uses colour"
else fail "8-colour terminal uses colour" "no colour in $(tmux -L "$TS" capture-pane -p -e | head -3 | cat -v)"; fi
tui_keys q
TUI_ENV="NO_COLOR=1" tui_start 80 24 "$T/api.jsonl"
check_line "NO_COLOR" 22 "10:10:09.000 ERROR api        connection reset by peer" 15
if tmux -L "$TS" capture-pane -p -e | grep -q $'\e\\[\\(3[0-8]\\|4[0-8]\\|9[0-7]\\|10[0-7]\\)[m;]'; then
  fail "NO_COLOR has no colours" "$(tmux -L "$TS" capture-pane -p -e | head -3 | cat -v)"
else pass "NO_COLOR has no colours"; fi
if tmux -L "$TS" capture-pane -p -e | grep -q $'\e\\[7m'; then pass "NO_COLOR: status bar reversed"
else fail "NO_COLOR: status bar reversed" "$(tmux -L "$TS" capture-pane -p -e | tail -3 | cat -v)"; fi
tui_keys q
check_screen "NO_COLOR: q exits 0" "EXIT=0"
