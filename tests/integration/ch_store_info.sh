# `logdeck store info|prune|vacuum` on a ClickHouse backend (issue 13): info
# says what the server holds (records, time range, its disk size) and that
# the size cap and the tail-first coverage are a local store's, not the
# server's (no "history complete", no cap of a local file system); prune
# without a retention drops nothing and says so (ch_store.sh drops day
# partitions); vacuum has nothing
# to do (exit 0, said).
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_store_info.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
mkdir -p "$T/logs"
for i in 0 1 2 3 4 5 6 7 8 9; do
  printf '{"timestamp":"2024-03-01T10:00:%02d.000Z","level":"info","service":"api","message":"m%d"}\n' "$i" "$i"
done >"$T/logs/app.jsonl"
"$LOGDECK" --db "$T/journal.db" index --ship "$URL" "$T/logs/app.jsonl" >"$T/idx" 2>&1 ||
  { fail "index --ship" "$(tail -3 "$T/idx")"; exit 0; }

info=$("$LOGDECK" --db "$URL" store info 2>&1); rc=$?
check "info on ClickHouse: exit 0" 0 "$rc"
check "info: the server named, as ClickHouse" 1 \
  "$(echo "$info" | grep -c "^store      clickhouse://127.0.0.1:$CH_HTTP/logdeck (ClickHouse")"
check "info: records and time range" "records    10 from 1 files|time range 2024-03-01T10:00:00.000000Z .. 2024-03-01T10:00:09.000000Z" \
  "$(echo "$info" | grep -E '^(records|time range)' | paste -sd'|')"
check "info: size from the server's parts" 1 "$(echo "$info" | grep -cE "^size       [0-9.]+ (B|[KMG]iB) on the server's disk")"
check "info: no local size cap claimed" 1 "$(echo "$info" | grep -c '^size cap   none on ClickHouse: the size cap applies to local SQLite stores')"
check "info: history not claimed complete" "0 1" \
  "$(echo "$info" | grep -c 'history    complete') $(echo "$info" | grep -c '^history    not tracked on ClickHouse')"
js=$("$LOGDECK" --db "$URL" store info --json 2>&1)
check "info --json" 1 "$(echo "$js" | grep -c '^{"path":"clickhouse://127.0.0.1:'"$CH_HTTP"'/logdeck","backend":"clickhouse","disk_bytes":[1-9][0-9]*,"records":10,"files":1,"first_ts":"2024-03-01T10:00:00.000000Z","last_ts":"2024-03-01T10:00:09.000000Z","size_cap":null,"partial":null,"covered_since":null}$')"

"$LOGDECK" --db "$URL" store prune >"$T/p.out" 2>"$T/p.err"; rc=$?
check "prune on ClickHouse without a retention: exit 0, said (ch_store.sh drops partitions)" "0 1" \
  "$rc $(grep -c 'no retention in the config (store: retention:), nothing dropped' "$T/p.out")"
check "prune on ClickHouse: nothing dropped" 10 "$("$LOGDECK" --db "$URL" query --count '')"
"$LOGDECK" --db "$URL" store vacuum >"$T/v.out" 2>"$T/v.err"; rc=$?
check "vacuum on ClickHouse: exit 0, said" "0 1" "$rc $(grep -c '^nothing to vacuum on ClickHouse' "$T/v.out")"

# A clickhouse:// URL is never opened as a local path: no store or lock file
# named after it appears in the working directory (an earlier build's
# `store prune` left ./clickhouse:/HOST:PORT/logdeck and its .lock).
mkdir -p "$T/cwd"
(cd "$T/cwd" && for c in "store path" "store info" "store prune" "store vacuum" "stats" "alerts list"; do
   "$LOGDECK" --db "$URL" $c >/dev/null 2>&1; done)
check "no local file made for a clickhouse:// store" "" "$(ls -A "$T/cwd")"
