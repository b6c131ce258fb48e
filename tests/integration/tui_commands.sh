# TUI commands and navigation: e/E between errors, a highlight with n/N,
# :goto TIME, :w / :wr writing the result set, query history persisted
# across runs, :theme; SIGTERM restores the terminal; no tty -> exit 2.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
cp "$FIX/api.jsonl" "$T/"

# No terminal: a clear message and exit 2.
"$LOGDECK" --db "$T/db" "$T/api.jsonl" </dev/null >"$T/out" 2>"$T/err"; rc=$?
check "no tty: exit 2" 2 "$rc"
case "$(cat "$T/err")" in *"needs a terminal"*) pass "no tty: says why" ;;
  *) fail "no tty: says why" "$(cat "$T/err")" ;; esac

tui_start 100 30 "$T/api.jsonl"
check_line "started" 28 "10:10:09.000 ERROR api          connection reset by peer" 15

# Errors: E goes to the previous error or worse, e to the next.
tui_keys E Enter
check_screen "E: previous error selected" " cid         req-0011" 
tui_keys Escape E Enter
check_screen "E again: the one before" " cid         req-0008"
tui_keys Escape e Enter
check_screen "e: the next error" " cid         req-0011"
tui_keys Escape

# A highlight (Tab in the query bar) does not filter; n / N jump.
tui_keys / Tab 'token' Enter
check_screen "highlight keeps every record" " 47 records "
tui_keys g n Enter
check_screen "n: first match from the top" " cid         req-0001"
tui_keys Escape n Enter
check_screen "n: next match" " cid         req-0003"
tui_keys Escape N Enter
check_screen "N: previous match" " cid         req-0001"
tui_keys Escape

# :goto a time of day (the selected record's date).
tui_keys : 'goto 10:05' Enter Enter
check_screen ":goto 10:05 selects the record at 10:05" " time        2024-05-01T10:05:00.000000Z"
tui_keys Escape : 'goto 10:05:07' Enter Enter
check_screen ":goto between records: the next one" " time        2024-05-01T10:05:15.000000Z"
tui_keys Escape : 'goto half past ten' Enter
check_screen ":goto bad time: an error" "goto: cannot read 'half past ten' as a time"

# :w writes the current result set as JSON lines, :wr as raw lines.
tui_keys / 'level>=warning' Enter
check_screen "filter for :w" "level>=warning │ 13 of 47"
tui_keys : "w $T/out.jsonl" Enter
check_screen ":w reports" "wrote 13 records to $T/out.jsonl"
check ":w: one JSON line per record" 13 "$(wc -l < "$T/out.jsonl")"
check ":w: oldest first, JSON" '"ts":"2024-05-01T10:00:45.000000Z","level":"warning"' \
  "$(head -1 "$T/out.jsonl" | grep -o '"ts":"[^"]*","level":"[^"]*"')"
tui_keys : "w $T/out.jsonl" Enter
check_screen ":w refuses to overwrite" "exists (use :w! to overwrite)"
tui_keys : "wr $T/out.log" Enter
check_screen ":wr reports" "wrote 13 records to $T/out.log"
check ":wr: the raw lines" "$(grep -E '"level": "(warning|error)"' "$T/api.jsonl")" "$(cat "$T/out.log")"
check ":w and :wr create files 0600, like the store" "600 600" \
  "$(stat -c %a "$T/out.jsonl") $(stat -c %a "$T/out.log")"

# :theme switches; a bad name says what exists.
tui_keys : 'theme light' Enter
check_screen ":theme light" "theme light"
tui_keys : 'theme nope' Enter
check_screen ":theme unknown" "unknown theme 'nope'; available: "
tui_keys q
check_screen "q exits 0" "EXIT=0"

# History persisted: the next run's Up recalls the last query.
tui_start 100 30 "$T/api.jsonl"
check_line "second run" 28 "10:10:09.000 ERROR api          connection reset by peer" 15
tui_keys / Up
check_line "history: Up recalls the last query" 29 "/level>=warning"
tui_keys Up
check_line "history: and the one before" 29 "/token"
tui_keys Escape

# SIGTERM: the terminal is restored and the exit status says so.
pid=$(tui_pid)
if [ -n "$pid" ]; then
  kill -TERM "$pid"
  check_screen "SIGTERM: exit 143" "EXIT=143"
  check_screen "SIGTERM: terminal restored" "icanon echo"
else
  fail "SIGTERM" "no logdeck process found"
fi

# A crash (SIGSEGV): the handler gives the terminal back, then the process
# dies of the signal.
tui_start 100 30 "$T/api.jsonl"
check_line "started again" 28 "10:10:09.000 ERROR api          connection reset by peer" 15
pid=$(tui_pid)
if [ -n "$pid" ]; then
  kill -SEGV "$pid"
  check_screen "SIGSEGV: dies of the signal (139)" "EXIT=139"
  check_screen "SIGSEGV: terminal restored" "icanon echo"
else
  fail "SIGSEGV" "no logdeck process found"
fi

# The theme from the config file's ui: section.
mkdir -p "$HOME/.config/logdeck"
printf 'ui:\n  theme: monochrome\n' > "$HOME/.config/logdeck/config.yaml"
tui_start 100 30 "$T/api.jsonl"
tui_keys : theme Enter
check_screen "config ui.theme" "theme monochrome; available: "
tui_keys q
printf 'ui:\n  colour: red\n' > "$HOME/.config/logdeck/config.yaml"
tui_start 100 30 "$T/api.jsonl"
check_screen "config ui: unknown key is an error" "config.yaml:2:3: ui: unknown key 'colour'"
check_screen "config ui: exit 2" "EXIT=2"
rm "$HOME/.config/logdeck/config.yaml"

# A theme that does not parse: the default is used and the error shown.
mkdir -p "$HOME/.config/logdeck/themes"
printf 'level.error  redd\n' > "$HOME/.config/logdeck/themes/broken.theme"
tui_start 100 30 --theme broken "$T/api.jsonl"
check_screen "bad theme: error in the status line" "theme line 1, col 14: unknown colour 'redd'"
tui_keys q
check_screen "bad theme: still usable, q exits 0" "EXIT=0"
