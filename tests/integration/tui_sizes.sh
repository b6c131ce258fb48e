# The views at 60x20, 80x24 and 200x60: each view gives up its least useful
# columns first and ellipsizes names instead of cutting them: the metrics
# title drops the clock range, then "live", never cutting a number; the
# service and path tables drop the sparkline, p50, p99, p95 before a name
# gets under 16 columns, and the "-" group (no such field) is listed last;
# the alerts view drops last-evaluation, note, age and threshold before a
# rule name gets under 18 columns; help wraps its descriptions; a log row's
# status and duration are each shown whole or left out, never cut.
. tests/lib.sh
. tests/integration/alerts_helpers.bash
. tests/fixtures/tui/tuilib.sh
trap '_tui_kill_all; _alerts_cleanup' EXIT
export LOGDECK_DB="$T/db"
rec() { # SERVICE LEVEL MESSAGE [PATH]: one JSON line written now
  printf '{"timestamp": "%s", "level": "%s", "service": "%s", "event": "%s"%s}\n' \
    "$(now_ts)" "$2" "$1" "$3" "${4:+, \"path\": \"$4\", \"duration_ms\": 12.5}"
}

# A firing alert with a long rule name, from a live `alerts run`.
cat > "$T/rules.yaml" <<'Y'
rules:
  - name: checkout-api-error-rate-too-high
    type: count
    match: 'level>=error'
    threshold: '>= 2'
    window: 10m
Y
: > "$T/live.log"
start_run "$T/rules.yaml" "$T/live.log"
{ rec api info "accepted" /v1/tts; rec api info "done" /v1/tts; rec api error "upstream 502" /v1/tts
  rec payments-reconciliation-worker info "batch reconciled in full" /internal/reconcile
  rec サービス info "aligned after a wide service"
  logline error /a "failed 1"; logline error /a "failed 2"; } >> "$T/live.log"
firing() { "$LOGDECK" alerts list --json | grep -c '"state":"firing"'; }
wait_for 20 ge firing 1 || fail "rule fires" "$("$LOGDECK" alerts list 2>&1 | head -3)"
stop_run

title_whole() { # the title ends with a whole field
  case "$(tui_line 1)" in *" records"|*"%)") return 0 ;; *) return 1 ;; esac
}
# last_path: the last row of the path table on the screen (or file $1)
last_path() {
  if [ $# -gt 0 ]; then cat "$1"; else tui_screen; fi |
    awk '/^  path /{p=1; next} p && /^  [^ ]/{last=$1} p && /^$/{exit} END{print last}'
}
# tables_drawn: the view draws its parts as they arrive; the snapshot below
# is read once both tables are whole (their "-" group, listed last, shown)
tables_drawn() { tui_screen | grep -q '^  service ' && [ "$(last_path)" = - ]; }
for size in "60 20" "80 24" "200 60"; do
  set -- $size; w=$1; h=$2
  tui_start "$w" "$h"
  check_screen "$w x $h: started" " records " 15
  check_screen "$w x $h: log rows" "batch reconciled in full" 15
  tui_screen >"$T/l$w"
  tui_keys m
  check_screen "$w x $h: metrics totals" "· 7 records · 3 errors (42.9%)" 15
  # (the totals show before every part has come: the title says "computing…" till then)
  if tui_wait 10 title_whole; then pass "$w x $h: metrics title whole"; else fail "$w x $h: metrics title whole" "[$(tui_line 1)]"; fi
  check "$w x $h: the title fits" 1 "$(tui_line 1 | awk -v w="$w" '{ print (length($0) <= w) }')"
  tui_wait 10 tables_drawn
  tui_screen >"$T/m$w"
  tui_keys G   # to the bottom of the tables: the path table's end is on screen
  tui_wait 10 has_text "no metric records in this range"
  tui_screen >"$T/mG$w"
  tui_keys g q a
  check_screen "$w x $h: alerts view" "checkout-api-error" 15
  tui_screen >"$T/a$w"
  tui_keys q '?'
  check_screen "$w x $h: help" "logdeck keys"
  tui_screen >"$T/h$w"
  tui_keys q q
done

# The log view: a row's duration whole or not at all, never "12.5 m".
check "60: duration left out" "batch reconciled in full" \
  "$(grep 'batch reconciled' "$T/l60" | sed 's/ *$//; s/.* \(batch\)/\1/')"
check "80: duration whole" "batch reconciled in full  12.5 ms" \
  "$(grep 'batch reconciled' "$T/l80" | sed 's/ *$//; s/.* \(batch\)/\1/')"
check "every size: no duration cut" 0 \
  "$(cat "$T/l60" "$T/l80" "$T/l200" | sed 's/ *$//' | grep -cE '  [0-9]+\.[0-9]( m)?$')"

# Names: whole when they fit, else ellipsized, never cut silently.
check "60: long service ellipsized" 1 "$(grep -c '^  payments-reconcil… ' "$T/m60")"
check "80: long service ellipsized" 1 "$(grep -c '^  payments-reconciliation-w… ' "$T/m80")"
check "200: long service whole" 1 "$(grep -c '^  payments-reconciliation-worker ' "$T/m200")"
check "60: wide name whole" 1 "$(grep -c '^  サービス  ' "$T/m60")"
check "60: p50 p95 p99 kept, sparkline dropped" \
  "  service             count▼   err%     p50     p95     p99" "$(grep '^  service ' "$T/m60" | sed 's/ *$//')"
check "80: sparkline kept" 1 "$(grep -c '^  service .* p99   last ' "$T/m80")"
# "-" after every path, at every size.
for w in 60 80 200; do
  check "$w: '-' is the last path" "-" "$(last_path "$T/m$w")"
  check "$w: G shows the end of the list" "no metric records in this range" \
    "$(head -n -2 "$T/mG$w" | sed '/^ *$/d' | tail -1 | sed 's/^ *//; s/ *$//')"
done
check "60: rule name 20 columns, ellipsized" 1 "$(grep -c 'checkout-api-error-… ' "$T/a60")"
check "80: rule name 26 columns, ellipsized" 1 "$(grep -c 'checkout-api-error-rate-t… ' "$T/a80")"
check "200: rule name whole" 1 "$(grep -c '^ FIRING .*checkout-api-error-rate-too-high ' "$T/a200")"
check "60: help wraps (no word cut at the border)" 1 "$(grep -c '│  *record  *│' "$T/h60")"
check "80: help line whole" 1 "$(grep -c 'oldest / newest record (G follows again)' "$T/h80")"

# A metric line without a message reads as name=value unit (tags) in the
# log view too, not as raw JSON.
"$LOGDECK" --db "$T/m.db" index "$ROOT/tests/fixtures/gateway.jsonl" >/dev/null 2>&1
tui_start 120 40 --db "$T/m.db"
check_screen "metric line rendered" " api_latency_p95=812.4 ms (/api/v1/tts)" 15
check "no raw metric JSON in the list" 0 "$(tui_screen | grep -c '"component": "metrics"')"
tui_keys q
