# query.sh: `logdeck query`, `trace` and `stats` on a store indexed from
# tests/fixtures/ (exact counts from tests/fixtures/README.md), run once per
# backend: the local SQLite store, then ClickHouse (a private server on
# 127.0.0.1, the same records shipped there by `index --ship`; names get a
# "[clickhouse] " prefix), and finally the two backends' answers compared
# byte for byte. Without clickhouse-server the second pass is SKIP.
. tests/lib.sh
. tests/tools/chserver.bash

if ! "$LOGDECK" index --help >/dev/null 2>&1; then
  fail "query.sh" "logdeck index is not available"; exit 0
fi
CH_URL=""
if ch_require "query.sh on clickhouse"; then
  if ch_start "$T/ch" && CH_URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck" &&
     "$LOGDECK" --db "$CH_URL" store init >"$T/init.out" 2>&1; then :; else
    fail "clickhouse set-up" "$(head -c 300 "$T/init.out" 2>/dev/null)"; CH_URL=""
  fi
fi
if ! "$LOGDECK" index ${CH_URL:+--ship "$CH_URL"} tests/fixtures/*.jsonl tests/fixtures/*.log >"$T/index.out" 2>&1; then
  fail "index fixtures" "$(head -c 300 "$T/index.out")"; exit 0
fi
PFX=""
pass() { echo "PASS: $PFX$1"; }
fail() { echo "FAIL: $PFX$1: $2"; }

catalogue() {
q() { "$LOGDECK" query "$@" 2>&1; }

check "count all" 98 "$(q --count '')"
check "status:200 count / page" "6 6" "$(q --count status:200) $(q --limit 50 status:200 | wc -l | tr -d ' ')"
check "status:502 count / page" "2 2" "$(q --count status:502) $(q --limit 50 status:502 | wc -l | tr -d ' ')"
[ -z "$PFX" ] && check "status:502 page: its ids from rec_status" 1 \
  "$(q --explain --limit 50 status:502 | grep -c '^indexed term: ids from rec_status WHERE status = 502 (exact)$')"
for lv in unknown:8 trace:1 debug:12 info:33 notice:2 warning:15 error:17 critical:10; do
  check "count level:${lv%%:*}" "${lv#*:}" "$(q --count "level:${lv%%:*}")"
done
check "count level>=error" 27 "$(q --count 'level>=error')"
check "count level>=warning" 42 "$(q --count 'level>=warning')"
check "count level>=warning (rows)" 42 "$(q --limit 0 'level>=warning' | wc -l | tr -d ' ')"
check "count cid present" 42 "$(q --count 'cid:*')"
check "count NOT cid" 56 "$(q --count -- '-cid:*')"
check "count format:json + NOT format:json" 98 "$(( $(q --count 'format:json') + $(q --count -- '-format:json') ))"
check "count format:json (rows)" "$(q --count 'format:json')" "$(q --limit 0 --json 'format:json' | grep -c '"format":"json"')"
check "count file:python.log" 11 "$(q --count 'file:python.log')"
check "count file glob" 20 "$(q --count 'file:loguru*')"
check "count OR" 27 "$(q --count '(level:error OR level:critical)')"
check "count cid glob" 8 "$(q --count 'cid:3f2a9c1e*')"
check "count cid case-insensitive" 8 "$(q --count 'cid:3F2A9C1E-5B7D-4E8F-9A01-2B3C4D5E6F70')"

# a metric line without a message reads as name=value unit (tags)
check "metric line as text" "api_latency_p95=812.4 ms (/api/v1/tts)" "$(q --limit 1 'metric:api_latency_p95' | sed 's/.* gateway //')"
check "metric line raw kept" 1 "$(q --limit 1 --json 'metric:api_latency_p95' | grep -c '"fields":{"timestamp": "2024-01-01T12:00:03.000Z", "component": "metrics"')"

# regular-expression terms: /re/ on the record's whole text, field~re on a
# field; applied after the indexed terms (the SQL puts them last)
check "regex text" 1 "$(q --count '/time.?out/')"
check "regex text /i" 2 "$(q --count '/TIMEOUT/i')"
check "regex field" "$(q --limit 0 --json '' | grep -c '"msg":"Request')" "$(q --count 'msg~"^Request"')"
check "regex field = glob" "$(q --count 'service:music*')" "$(q --count 'service~"^music"')"
check "regex with indexed term" 1 "$(q --count '/TIMEOUT/i level>=error')"
if [ -z "$PFX" ]; then re_after='level >= ?) AND ld_regexp('; else re_after="level >= 6, 0) AND ifNull(match("; fi
check "regex after indexed terms" 1 "$(q --explain '/TIMEOUT/i level>=error' | grep -c -F "$re_after")"
check "not a regex: a path" "plan: (phrase \"/api/v1/tts\")" "$(q --explain '/api/v1/tts' | head -1)"
check "NOT regex" "$(( $(q --count '') - 2 ))" "$(q --count -- '-/TIMEOUT/i')"
check_rc "bad regex exits 2" 2 "$LOGDECK" query '/a(/'
check "bad regex message" "logdeck query: bad regular expression at col 1: Unmatched ( or \\(; expected a POSIX extended regular expression" "$(cat "$T/.err")"
check_rc "bad field regex exits 2" 2 "$LOGDECK" query 'level>=error msg~"(x"'
check "bad field regex column" 1 "$(grep -c 'at col 18:' "$T/.err")"

# traces spanning files and formats (README "Traces that span files")
for t in 3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70:8:6 550e8400-e29b-41d4-a716-446655440000:7:3 \
         7c9e6679-7425-40de-944b-e07fc1f90ae7:5:3 12345:4:2 123:4:3 \
         9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d:3:2 c0a80101-0000-4000-8000-00000000beef:2:2; do
  cid=${t%%:*}; rest=${t#*:}; n=${rest%%:*}; nf=${rest#*:}
  "$LOGDECK" trace --json "$cid" >"$T/tr.json" 2>&1
  check "trace $cid records" "$n" "$(grep -c '^{"ts".*"offset_ms"' "$T/tr.json")"
  check "trace $cid files" "$nf" "$(grep '^{"ts"' "$T/tr.json" | sed 's/.*"file":"\([^"]*\)".*/\1/' | sort -u | wc -l | tr -d ' ')"
  check "trace $cid records only" "$n" "$(wc -l <"$T/tr.json" | tr -d ' ')"
  "$LOGDECK" trace --json --summary "$cid" >"$T/trs.json" 2>&1
  check "trace $cid summary" "1" "$(grep -c "^{\"trace\":{\"cid\":\"$cid\",\"count\":$n," "$T/trs.json")"
  check "trace $cid summary alone" "1" "$(wc -l <"$T/trs.json" | tr -d ' ')"
  first=$(grep '^{"ts"' "$T/tr.json" | head -1 | sed 's/.*"offset_ms":\([0-9.]*\).*/\1/')
  check "trace $cid first offset" "0.000" "$first"
  sorted=$(grep '^{"ts"' "$T/tr.json" | sed 's/.*"offset_ms":\([0-9.]*\).*/\1/' | sort -n -c 2>&1 && echo ok)
  check "trace $cid oldest first" "ok" "$sorted"
done
"$LOGDECK" trace 3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70 >"$T/tr.txt" 2>&1
check "trace text header" "trace 3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70: 8 records, 6 services, span +15.030 s, 3 errors" "$(head -1 "$T/tr.txt")"
check "trace text first line" "+0.0 ms      2024-01-01 12:00:00.000 INFO     gateway Request processed successfully" "$(sed -n 2p "$T/tr.txt")"
check "trace text services" "1" "$(grep -c '^services:$' "$T/tr.txt")"
"$LOGDECK" trace --summary 3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70 >"$T/trs.txt" 2>&1
check "trace --summary header" "$(head -1 "$T/tr.txt")" "$(head -1 "$T/trs.txt")"
check "trace --summary no record lines" "0" "$(grep -c '^+' "$T/trs.txt")"
check "trace --summary services" "1" "$(grep -c '^services:$' "$T/trs.txt")"
check_rc "trace unknown id exits 1" 1 "$LOGDECK" trace no-such-correlation-id
check "trace unknown id message" "logdeck trace: no records with correlation id 'no-such-correlation-id' in $LOGDECK_DB" "$(cat "$T/.err")"
check_rc "trace without id exits 2" 2 "$LOGDECK" trace

# bad queries: exit 2 with column and expectation
check_rc "bad level exits 2" 2 "$LOGDECK" query 'level>=loud'
check "bad level message" "logdeck query: unknown level 'loud' at col 8; expected one of trace, debug, info, notice, warning, error, critical" "$(cat "$T/.err")"
check_rc "unbalanced exits 2" 2 "$LOGDECK" query '(level:error'
check_rc "stats bad query exits 2" 2 "$LOGDECK" stats 'a OR'
check_rc "bad --limit exits 2" 2 "$LOGDECK" query --limit x ''
check_rc "missing store exits 1" 1 "$LOGDECK" --db "$T/none.db" query ''

# text and JSON output
check "limit" 5 "$(q --limit 5 '' | wc -l | tr -d ' ')"
check "default limit covers all 98" 98 "$(q '' | wc -l | tr -d ' ')"
check "text line" "2024-01-01 12:00:00.000 INFO     gateway Request processed successfully" "$(q --reverse --limit 1 '')"
q --json --limit 0 '' >"$T/all.json"
check "json lines" 98 "$(wc -l <"$T/all.json" | tr -d ' ')"
check "json keys" 98 "$(grep -c '^{"ts":"[0-9-]*T[0-9:]*\.[0-9]\{6\}Z","level":"[a-z]*","cid":\("[^"]*"\|null\),"service":\("[^"]*"\|null\),.*"file":"[^"]*",.*"msg":".*","fields":{.*}}$' "$T/all.json")"
check "json newest first" "ok" "$(sed 's/^{"ts":"\([^"]*\)".*/\1/' "$T/all.json" | sort -r -c 2>&1 && echo ok)"
check "json reverse oldest first" "ok" "$(q --json --reverse --limit 0 '' | sed 's/^{"ts":"\([^"]*\)".*/\1/' | sort -c 2>&1 && echo ok)"
check "json nested fields kept" 1 "$(q --json --limit 1 --reverse '' | grep -c '"process": {"name": "MainProcess", "id": 1234}')"

# stats
"$LOGDECK" stats --json >"$T/st.json" 2>&1
check "stats count" 1 "$(grep -c '^{"count":98,"by_level":{"unknown":8,"trace":1,"debug":12,"info":33,"notice":2,"warning":15,"error":17,"critical":10},"errors":27,' "$T/st.json")"
for k in '"latency":{' '"histogram":[' '"templates":[' '"metrics":[' '"status":{'; do
  check "stats has $k" 1 "$(grep -c -F "$k" "$T/st.json")"
done
check "stats --by groups" 1 "$("$LOGDECK" stats --json --by service 'level>=error' | grep -c '"groups":\[{"key":')"
check "stats level filter count" 1 "$("$LOGDECK" stats --json 'level>=error' | grep -c '^{"count":27,')"
check_rc "stats text" 0 "$LOGDECK" stats --by service
check_rc "stats bad --since exits 2" 2 "$LOGDECK" stats --since yesterday
st=$("$LOGDECK" stats --by service 'since:2024-01-01 until:2024-01-02' 2>&1)
check "stats group without durations: no percentiles" "  werkzeug: 1 records, 0 errors (0.00%)" \
  "$(echo "$st" | grep '^  werkzeug:')"
check "stats group with durations: percentiles" "  api.request: 3 records, 1 errors (33.33%), p50 1512.8 p95 1512.8 p99 1512.8" \
  "$(echo "$st" | grep '^  api.request:')"
check "stats group of a file without service or logger: its name" 1 "$(echo "$st" | grep -c '^  mixed: ')"
hist=$("$LOGDECK" stats | sed -n '/^histogram/,/^top errors/p' | sed '1d;$d')
check "stats text: a run of empty buckets is one line" yes \
  "$(echo "$hist" | grep -qE '^  \.\.\. [0-9]+ empty buckets$' && [ "$(echo "$hist" | wc -l)" -lt 12 ] && echo yes)"
}

catalogue
if [ -n "$CH_URL" ]; then
  LOCAL_DB=$LOGDECK_DB
  PFX="[clickhouse] " LOGDECK_DB=$CH_URL catalogue
  PFX="[sqlite = clickhouse] "
  for qq in '' 'level>=warning' 'cid:3f2a9c1e*' 'service:api* -level:info' '"connection reset"' \
            'process.id:1234' 'status>=500' 'status:200' 'status:502 level>=warning' 'status:404' \
            'duration_ms>1000' 'NOT cid:*' 'file:python.log' \
            'Request OR timeout' 'since:2024-01-01T12:00:01Z until:2024-01-01T12:00:30Z' 'req*' \
            "host:$(hostname)" "-host:$(hostname)" 'component:*' 'level:error AND NOT service:api'; do
    a=$("$LOGDECK" --db "$LOCAL_DB" query --json --limit 0 -- "$qq" 2>&1 | md5sum)
    b=$("$LOGDECK" --db "$CH_URL" query --json --limit 0 -- "$qq" 2>&1 | md5sum)
    n=$("$LOGDECK" --db "$LOCAL_DB" query --count -- "$qq" 2>&1)
    check "query --json '$qq' ($n records)" "$a" "$b"
  done
  for cid in 3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70 12345 C0A80101-0000-4000-8000-00000000BEEF; do
    check "trace --json $cid" "$("$LOGDECK" --db "$LOCAL_DB" trace --json "$cid" | md5sum)" \
      "$("$LOGDECK" --db "$CH_URL" trace --json "$cid" | md5sum)"
  done
  check "stats --json" "$("$LOGDECK" --db "$LOCAL_DB" stats --json | md5sum)" "$("$LOGDECK" --db "$CH_URL" stats --json | md5sum)"
  check "stats --json --by service 'level>=error'" \
    "$("$LOGDECK" --db "$LOCAL_DB" stats --json --by service 'level>=error' | md5sum)" \
    "$("$LOGDECK" --db "$CH_URL" stats --json --by service 'level>=error' | md5sum)"
fi
