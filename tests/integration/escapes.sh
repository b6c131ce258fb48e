# One rule for control bytes and escape sequences in every format: stored
# as written, never cut short, shown escaped (issue 11, item 7).
. tests/lib.sh
q() { "$LOGDECK" query "$@" 2>&1; }

# A raw NUL byte inside a JSON string cuts neither the message nor the field.
printf '{"event":"before\000after","k":"x\000y","n":1}\n' >"$T/nul.jsonl"
"$LOGDECK" index "$T/nul.jsonl" >/dev/null 2>&1
check "JSON raw NUL: message whole, NUL shown escaped" 'before\x00after' "$(q '' | sed 's/.*UNKNOWN *nul //')"
check "JSON raw NUL: --json message" '"msg":"before\u0000after"' "$(q --json '' | grep -o '"msg":"[^"]*"')"
check "JSON raw NUL: the field keeps what follows (marked)" '"k":"x␀y","n":1' \
  "$(q --json '' | grep -o '"k":"[^"]*","n":1')"
check "JSON raw NUL: the field after it still parsed" 1 "$(q --count 'n:1')"
check "JSON raw NUL: full text finds the words after it" 1 "$(q --count 'after')"

# ESC in a Python text message is shown escaped as in a JSON record, not deleted.
export LOGDECK_DB="$T/esc.db"
printf '2026-01-01 10:00:00,000 - app - INFO - esc \033[31mred\033[0m done\n' >"$T/py.log"
printf '{"timestamp":"2026-01-01T10:00:01Z","level":"info","event":"esc \\u001b[31mred\\u001b[0m done"}\n' >"$T/js.jsonl"
printf '\033[32m2026-01-01 10:00:02.000\033[0m | \033[1mINFO    \033[0m | app:run:42 - \033[1mhello\033[0m\n' >"$T/lg.log"
"$LOGDECK" index "$T/py.log" "$T/js.jsonl" "$T/lg.log" >/dev/null 2>&1
check "Python text: ESC shown as in JSON" 'esc \x1b[31mred\x1b[0m done|esc \x1b[31mred\x1b[0m done' \
  "$(q --reverse '' | head -2 | sed 's/.* esc /esc /' | tr '\n' '|' | sed 's/|$//')"
check "Python text: level and time still parsed" "info 2026-01-01T10:00:00.000000Z" \
  "$(q --json 'file:*py.log' | grep -o '"ts":"[^"]*","level":"[a-z]*"' | sed 's/"ts":"\([^"]*\)","level":"\(.*\)"/\2 \1/')"
check "loguru colourised: message keeps its escapes" '"msg":"\u001b[1mhello\u001b[0m"' \
  "$(q --json 'file:*lg.log' | grep -o '"msg":"[^"]*"')"
check "loguru colourised: logger parsed" '"logger":"app"' "$(q --json 'file:*lg.log' | grep -o '"logger":"[^"]*"')"
check "full text finds a coloured word in both formats" 2 "$(q --count 'red')"
