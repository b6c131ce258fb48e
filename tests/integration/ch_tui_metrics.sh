# ch_tui_metrics.sh: the TUI's metrics view on ClickHouse (its numbers
# asked of the server as GROUP BYs, db/chagg.c) shows what it shows on the
# local store for the same records (tests/tools/statsgen.py's corpus,
# shipped by index --ship): the same services and paths tables, counts,
# errors and percentiles, line for line.
. tests/lib.sh
. tests/fixtures/tui/tuilib.sh
. tests/tools/chserver.bash
ch_require "ch_tui_metrics.sh" || exit 0
need python3 python3 "ch_tui_metrics.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
python3 tests/tools/statsgen.py "$T/statsgen.jsonl" "$T" 1500
"$LOGDECK" index --ship "$URL" "$T/statsgen.jsonl" >/dev/null 2>"$T/err" || { fail "index --ship" "$(cat "$T/err")"; exit 0; }
# metrics_done: the view's title without "computing…": every part (tables,
# series) has arrived and is drawn
metrics_done() { local l; l=$(tui_line 1); case "$l" in " Metrics · "*computing*) return 1 ;; " Metrics · "*) return 0 ;; esac; return 1; }
metrics_screen() { # DB OUT: the metrics view's screen once all its parts are drawn
  tui_start 140 45 --db "$1"
  tui_wait 15 has_text "statsgen" >/dev/null
  tui_keys m
  tui_wait 30 metrics_done || true   # (was: the tables, then a bare 0.5 s for the series)
  tui_screen | grep -v -e 'ms)' -e '^ *$' -e ' FOLLOW ' >"$2"   # the status bar: the store's size
  tui_keys q; tui_keys q
  _tui_kill_all 2>/dev/null
}
metrics_screen "$LOGDECK_DB" "$T/local.txt"
metrics_screen "$URL" "$T/ch.txt"
check "metrics view on the local store lists the services" 5 "$(grep -cE '^ *(api|web|worker|db|statsgen) ' "$T/local.txt")"
check "metrics view on ClickHouse lists the services" 5 "$(grep -cE '^ *(api|web|worker|db|statsgen) ' "$T/ch.txt")"
check "api's row: the same on both" "$(grep -E '^ *api ' "$T/local.txt")" "$(grep -E '^ *api ' "$T/ch.txt")"
check "the metrics view: the same screen on both backends" "" "$(diff "$T/local.txt" "$T/ch.txt" | head -20)"
