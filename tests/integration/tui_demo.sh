# logdeck demo: the generator writes the five seed formats with shared
# request ids, tracebacks, slow requests and errors, rotates files; the
# demo opens the TUI following them and cleans up after itself.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh

"$LOGDECK" demo --generate-only 1 --dir "$T/gen" --seed 42 --rate 20 --rotate 400000 \
  >"$T/out" 2>&1; rc=$?
check "demo --generate-only exits 0" 0 "$rc"
for f in gateway.jsonl api.jsonl worker.log health.jsonl musicgen.jsonl; do
  if [ -s "$T/gen/logs/$f" ]; then pass "demo writes $f"; else fail "demo writes $f" "missing"; fi
done
if [ -s "$T/gen/logs/gateway.jsonl.1" ] && [ -s "$T/gen/logs/gateway.jsonl.2" ] &&
   [ ! -e "$T/gen/logs/gateway.jsonl.3" ]; then pass "demo rotates (NAME.1, NAME.2)"
else fail "demo rotates (NAME.1, NAME.2)" "$(ls "$T/gen/logs" | tr '\n' ' ')"; fi
check_rc "demo logs index cleanly" 0 "$LOGDECK" --db "$T/gen.db" index "$T/gen/logs"
unparsed=$("$LOGDECK" --db "$T/gen.db" query --count 'format:raw')
check "demo: every line parses (no raw records)" 0 "$unparsed"
# One request id across the gateway, the API and the worker (or musicgen).
cid=$(grep -o '\[[0-9a-f-]\{36\}\]' "$T/gen/logs/worker.log" | head -1 | tr -d '[]')
svcs=$("$LOGDECK" --db "$T/gen.db" query --json "cid:$cid" | grep -o '"service":"[^"]*"' | sort -u | tr '\n' ' ')
check "demo: a request id shared across services" '"service":"api" "service":"gateway" ' "$svcs"
n=$("$LOGDECK" --db "$T/gen.db" query --count "cid:$cid")
if [ "$n" -ge 5 ]; then pass "demo: a request has gateway, api and worker records ($n)"
else fail "demo: a request has gateway, api and worker records" "$n records"; fi
tb=$(grep -c '^Traceback (most recent call last):' "$T/gen/logs/worker.log"* | awk -F: '{s+=$2} END {print s+0}')
if [ "$tb" -gt 0 ]; then pass "demo: tracebacks ($tb)"; else fail "demo: tracebacks" "none"; fi
errs=$("$LOGDECK" --db "$T/gen.db" query --count 'level>=error')
slow=$("$LOGDECK" --db "$T/gen.db" query --count 'duration_ms>1500')
if [ "$errs" -gt 0 ] && [ "$slow" -gt 0 ]; then pass "demo: errors ($errs) and slow requests ($slow)"
else fail "demo: errors and slow requests" "errors $errs slow $slow"; fi
vi=$("$LOGDECK" --db "$T/gen.db" query --count 'service:api "Request received"')
if grep -q 'Xin chào\|Cảm ơn\|Hệ thống\|Hà Nội' "$T/gen/logs/api.jsonl"; then pass "demo: Vietnamese text"
else fail "demo: Vietnamese text" "none in api.jsonl ($vi requests)"; fi

# The demo itself: opens the TUI on generated history, follows new lines,
# and removes its directory on exit.
mkdir -p "$T/tmp"
TUI_ENV="TMPDIR=$T/tmp" tui_start 120 40 demo
check_screen "demo opens the TUI following" " FOLLOW " 15
records() { tui_line 39 | grep -o '[0-9,]* records' | tr -d ', records'; }
more_than() { local n; n=$(records); [ "${n:-0}" -gt "$1" ]; }
if tui_wait 15 more_than 1000; then pass "demo: starts with history ($(records) records)"
else fail "demo: starts with history" "$(tui_line 39)"; fi
n1=$(records)
if tui_wait 15 more_than "${n1:-0}"; then pass "demo: new records keep arriving ($n1 -> $(records))"
else fail "demo: new records keep arriving" "$(tui_line 39)"; fi
tui_keys q
check_screen "demo: q exits 0" "EXIT=0"
check_screen "demo: says it cleaned up" "logdeck demo: removed $T/tmp/logdeck-demo."
check "demo: temporary directory removed" "" "$(ls "$T/tmp")"

# The demo is sealed in its directory: the user's configured sources are
# not indexed into the demo store, and the user's query history and UI
# log are neither read nor written.
mkdir -p "$HOME/.config/logdeck" "$HOME/.local/state/logdeck" "$T/user"
printf '{"timestamp": "2026-01-01T00:00:00Z", "level": "error", "event": "USERMARKER private"}\n' > "$T/user/app.log"
printf 'sources:\n  - %s\n' "$T/user/app.log" > "$HOME/.config/logdeck/config.yaml"
printf 'previous-user-query\n' > "$HOME/.local/state/logdeck/history"
cp "$HOME/.local/state/logdeck/history" "$T/history.before"
tui_start 120 40 demo --dir "$T/sealed"
check_screen "sealed demo opens" " FOLLOW " 15
tui_keys / "USERMARKER" Enter
check_screen "sealed demo: the user's source is not in the demo" "│ 0 of " 15
tui_keys Escape q
check_screen "sealed demo: q exits 0" "EXIT=0"
# The demo may quit before its history is read (the count would be ">= 0"):
# its own logs are read to the end first, with an empty config, so that the
# counts below are exact; a user source the demo had registered would keep
# the store partial and fail them.
: > "$T/empty.yaml"
"$LOGDECK" --db "$T/sealed/demo.db" --config "$T/empty.yaml" index "$T/sealed/logs" >/dev/null 2>"$T/sealed-index.err"
check "sealed demo: its own logs indexed to the end" "0 complete" \
  "$(grep -c . "$T/sealed-index.err" | tr -d '\n'; printf ' '; "$LOGDECK" --db "$T/sealed/demo.db" store info --json | grep -o '"partial":false' | sed 's/"partial":false/complete/')"
check "sealed demo: no user record in the demo store" 0 \
  "$("$LOGDECK" --db "$T/sealed/demo.db" query --count USERMARKER)"
check "sealed demo: no user file in the demo store" 0 \
  "$("$LOGDECK" --db "$T/sealed/demo.db" query --count "file:$T/user/app.log")"
check "sealed demo: the user's history untouched" "" "$(cmp "$T/history.before" "$HOME/.local/state/logdeck/history" 2>&1)"
check "sealed demo: no UI log written for the user" "history" "$(ls "$HOME/.local/state/logdeck")"
check "sealed demo: its own history holds the query" 1 "$(grep -c USERMARKER "$T/sealed/state/logdeck/history")"
