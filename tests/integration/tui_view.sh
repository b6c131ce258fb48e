# TUI, 120x40: startup shows the newest records, a query filters to exactly
# the expected lines, a bad query shows its error under its column, the
# detail pane shows a nested field, escape sequences and Vietnamese / wide
# text, help, and `q` restores the terminal.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
cp "$FIX/api.jsonl" "$FIX/worker.log" "$T/"

tui_start 120 40 "$T/api.jsonl" "$T/worker.log"

# Newest at the bottom (row 38), the status bar under it.
check_line "startup shows the newest record last" 38 \
  "2024-05-01 10:10:09.000 ERROR api            connection reset by peer" 15
check_line "startup: rows above in time order" 30 \
  "2024-05-01 10:09:51.456 ERROR worker.tasks   task failed [3f2a9c1e-8b7d-4c1a-9e2f-0a1b2c3d4e5f]               [+4 lines]"
check_line "first row of the screen" 1 \
  "2024-05-01 10:03:00.000 ERROR api            Gemini API error #12"
check_screen "status bar: follow, count" " FOLLOW  50 records "
counters() { case "$(tui_line 39)" in *"lag "*"lost 0"*) return 0 ;; esac; return 1; }
if tui_wait 10 counters; then pass "status bar: lag and loss counters"
else fail "status bar: lag and loss counters" "[$(tui_line 39)]"; fi

# Escape sequences in log content are shown, never sent.
check_line "escape sequence shown escaped" 35 \
  "2024-05-01 10:10:04.000 WARN  evil           escape ^[[31mRED^[]0;pwned^G done"
# Vietnamese and wide characters: the next column stays aligned.
check_line "Vietnamese text" 33 \
  "2024-05-01 10:10:02.000 INFO  tts            Xử lý yêu cầu thành công cho người dùng Nguyễn"
check_line "wide characters" 34 \
  "2024-05-01 10:10:03.000 INFO  tts            日本語テキスト wide chars"
check_line "Vietnamese service column aligned" 36 \
  "2024-05-01 10:10:06.000 INFO  dịch-vụ        aligned after Vietnamese service"
check_line "wide service column aligned" 37 \
  "2024-05-01 10:10:07.000 INFO  サービス       aligned after wide service"

# A query filters to exactly the expected lines.
tui_keys / 'level>=error service:api' Enter
check_line "query: first match" 1 "2024-05-01 10:01:15.000 ERROR api            Gemini API error #5"
want="2024-05-01 10:01:15.000 ERROR api            Gemini API error #5
2024-05-01 10:03:00.000 ERROR api            Gemini API error #12
2024-05-01 10:04:45.000 ERROR api            Gemini API error #19
2024-05-01 10:06:30.000 ERROR api            Gemini API error #26
2024-05-01 10:08:15.000 ERROR api            Gemini API error #33
2024-05-01 10:10:09.000 ERROR api            connection reset by peer"
top7() { tui_screen | sed -n '1,7p' | sed '/^$/d'; }
check_wait "query: exactly the matching records" "$want" 10 top7
check_screen "query: status shows query and count" "level>=error service:api │ 6 of 50"

# A bad query: the error under the bar, a caret at its column; the
# previous filter stays in force.
tui_keys / C-u 'level>=loud'
check_screen "bad query: caret at the column" "        ^ unknown level 'loud'"
check_line "bad query: the list keeps the last good filter" 1 \
  "2024-05-01 10:01:15.000 ERROR api            Gemini API error #5"
tui_keys Escape
check_screen "Esc restores the filter" "level>=error service:api │ 6 of 50"

# Detail pane: nested fields by dotted path, the JSON pretty-printed.
# (no service field and no logger: the column shows the file's name, as service:api finds it)
tui_keys / C-u processed Enter
check_line "detail: the filtered record" 1 "2024-05-01 10:10:01.000 INFO  api            Request processed successfully"
tui_keys Enter
check_screen "detail pane shows a nested field" " process.id    4321"
check_screen "detail pane: file and offset" " file        $T/api.jsonl"
tui_keys PgDn
check_screen "detail pane: pretty JSON" '     "id": 4321'
tui_keys Escape
check_line "Esc closes the detail pane" 1 "2024-05-01 10:10:01.000 INFO  api            Request processed successfully"

# Traceback: the detail shows it whole.
tui_keys / C-u '"task failed"' Enter
check_line "traceback record listed" 1 \
  "2024-05-01 10:09:51.456 ERROR worker.tasks   task failed [3f2a9c1e-8b7d-4c1a-9e2f-0a1b2c3d4e5f]               [+4 lines]"
tui_keys Enter
check_screen "detail: traceback whole" "     result = synth(text)"
tui_keys q
tui_keys / C-u Enter

# Help lists every key.
tui_keys '?'
check_screen "help overlay" "logdeck keys"
check_screen "help lists follow" "follow on/off"
tui_keys q
check_line "help closed" 38 "2024-05-01 10:10:09.000 ERROR api            connection reset by peer"

# q restores the terminal.
tui_keys q
check_screen "q exits 0" "EXIT=0"
check_screen "terminal restored (icanon echo)" "icanon echo"
