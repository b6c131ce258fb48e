# store_v3.sh: the answers issue 12 fixed, on small files written here with
# known contents (every expected count is counted by hand from the lines
# below): words inside tracebacks and field values, the full text in --json,
# one naming rule for service, duration units, the request path keys, field
# equality through the field tokens (exact, case, numbers, nested, dotted,
# globs, long values), compressed raw text, the field catalogue, and a v2
# store refused with the rebuilding command.
. tests/lib.sh

D="$T/logs"
mkdir -p "$D"
# worker.log: Python text; 3 records hold GeminiAPIError, 2 of them only in
# their traceback; generate_content is only ever in tracebacks (2 records).
cat >"$D/worker.log" <<'EOF'
2024-03-01 10:00:00,000 - tts.worker - INFO - job 1 started
2024-03-01 10:00:01,000 - tts.worker - ERROR - job 1 failed
Traceback (most recent call last):
  File "/app/tts/gemini.py", line 88, in synthesize
    response = self._client.generate_content(prompt)
google.api_core.GeminiAPIError: 429 quota
2024-03-01 10:00:02,000 - tts.worker - ERROR - job 2 failed
Traceback (most recent call last):
  File "/app/tts/gemini.py", line 88, in synthesize
    response = self._client.generate_content(prompt)
GeminiAPIError: upstream reset
2024-03-01 10:00:03,000 - tts.worker - WARNING - GeminiAPIError seen, retrying
2024-03-01 10:00:04,000 - tts.worker - INFO - job 3 done
EOF
# api.jsonl: structlog with a logger and no service (2), one with a service
# (1), one with neither (1: named after the file, "api"); paths in three keys.
cat >"$D/api.jsonl" <<'EOF'
{"event": "Request completed", "level": "info", "timestamp": "2024-03-01T10:00:00Z", "logger": "api.request", "path": "/api/v1/tts", "method": "POST", "status_code": 200, "duration_ms": 12.5, "customer_id": "Cu_7", "error_type": "none"}
{"event": "Request completed", "level": "error", "timestamp": "2024-03-01T10:00:01Z", "logger": "api.request", "url": {"path": "/api/v1/tts/batch"}, "method": "GET", "status_code": 503, "duration_ms": 1500, "customer_id": "cu_7", "error_type": "QuotaError", "retries": "3"}
{"event": "Forwarding", "level": "info", "timestamp": "2024-03-01T10:00:02Z", "service": "gateway", "endpoint": "/api/v1/tts", "customer_id": "Cu_7", "process": {"id": 1234}, "ok": true}
{"event": "Heartbeat", "level": "debug", "timestamp": "2024-03-01T10:00:03Z", "url.path": "/health", "retries": 3, "note": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-end"}
EOF
# health.jsonl: bare duration keys: the messages say ms; the metrics line
# repeats a value a message printed with "ms"; the request middleware's
# line says "in 0.52s".
cat >"$D/health.jsonl" <<'EOF'
{"timestamp": "2024-03-01T10:00:00Z", "level": "ERROR", "service": "health-checker", "message": "Failed check_gemini for gemini after 5000.00ms: timed out", "duration": 5000.0}
{"timestamp": "2024-03-01T10:00:01Z", "service": "health-checker", "metric_type": "health_check", "check_name": "gemini", "response_time": 5000.0}
{"timestamp": "2024-03-01T10:00:02Z", "level": "INFO", "service": "health-checker", "message": "Completed check_redis in 12.50ms", "duration": 12.5}
{"timestamp": "2024-03-01T10:00:03Z", "level": "INFO", "service": "tts-api", "event": "Request completed in 0.52s", "duration": 0.52}
{"timestamp": "2024-03-01T10:00:04Z", "level": "INFO", "service": "tts-api", "event": "poll", "elapsed_seconds": 2}
EOF
# cfg.jsonl: bare durations, unit from the config (ms); nothing in messages.
cat >"$D/cfg.jsonl" <<'EOF'
{"timestamp": "2024-03-01T10:00:00Z", "level": "info", "service": "cfgsvc", "event": "a", "duration": 250}
{"timestamp": "2024-03-01T10:00:01Z", "level": "info", "service": "cfgsvc", "event": "b", "elapsed": 750}
EOF
cat >"$T/config.yaml" <<EOF
sources:
  - path: $D/cfg.jsonl
    duration_unit: ms
EOF

if ! "$LOGDECK" --config "$T/config.yaml" index "$D/worker.log" "$D/api.jsonl" "$D/health.jsonl" \
     >"$T/index.out" 2>&1; then
  fail "index" "$(head -c 300 "$T/index.out")"; exit 0
fi
q() { "$LOGDECK" --config "$T/config.yaml" query "$@" 2>&1; }

# --- words: message, continuation lines, field values -------------------------
check "GeminiAPIError: message and tracebacks" 3 "$(q --count GeminiAPIError)"
check "generate_content: tracebacks only" 2 "$(q --count generate_content)"
check "generate_content rows = rg -c" "$(rg -c generate_content "$D/worker.log" 2>/dev/null || grep -c generate_content "$D/worker.log")" \
      "$(q --limit 0 generate_content | wc -l | tr -d ' ')"
check "phrase inside a traceback" 2 "$(q --count '"in synthesize"')"
check "word in a field value" 1 "$(q --count QuotaError)"
check "word in a nested value" 1 "$(q --count 1234)"
q --json --limit 0 generate_content >"$T/tb.json"
check "--json carries the traceback (text)" 2 "$(grep -c '"text":"[^"]*Traceback (most recent call last):\\n  File' "$T/tb.json")"
check "--json: one-line records have no text" 0 "$(q --json --limit 0 'level:info' | grep -c '"text":')"

# --- one naming rule for service ---------------------------------------------------
check "service: field" 1 "$(q --count service:gateway)"
check "service: logger when no field" 2 "$(q --count service:api.request)"
check "service: file stem when neither" 1 "$(q --count service:api)"
check "service: python logger" 5 "$(q --count service:tts.worker)"
check "service glob" 3 "$(q --count 'service:api*')"
check "service NOT (16 records, 3 health-checker)" 13 "$(q --count -- '-service:health-checker')"
"$LOGDECK" stats --json --by service >"$T/svc.json" 2>&1
for g in 'api.request:2' 'gateway:1' 'api:1' 'tts.worker:5' 'health-checker:3' 'tts-api:2'; do
  check "stats --by service ${g%%:*}" 1 \
    "$(grep -c "\"key\":\"${g%%:*}\",\"count\":${g#*:}[,}]" "$T/svc.json")"
done
check "--json service is the field as logged (null)" 1 \
  "$(q --json 'service:api' | grep -c '"service":null')"

# --- duration units -------------------------------------------------------------------
dur() { "$LOGDECK" stats --json "$1" | sed -n 's/.*"latency":{"n":1,"p50":\([0-9.e+]*\),.*/\1/p'; }
check "duration: message says ms" 5000 "$(dur 'level:error service:health-checker')"
check "response_time repeats a value printed in ms" 5000 "$(dur 'metric_type:health_check')"
check "duration: 12.50ms" 12.5 "$(dur 'check_redis')"
check "duration: in 0.52s" 520 "$(dur 'event:"Request completed in 0.52s"')"
check "elapsed_seconds by name" 2000 "$(dur 'event:poll')"
check "duration_ms by name" 1500 "$(dur 'status>=500')"
"$LOGDECK" --config "$T/config.yaml" index >/dev/null 2>&1
check "duration_unit: ms from the config" 250 "$(dur 'event:a')"
check "elapsed, config unit" 750 "$(dur 'event:b')"
check "unit shown" 1 "$("$LOGDECK" stats 'service:cfgsvc' | grep -c 'ms')"

# --- request path: path, url.path (nested or dotted), endpoint ---------------------------
check "path: path + endpoint" 2 "$(q --count path:/api/v1/tts)"
check "path: url.path nested" 1 "$(q --count path:/api/v1/tts/batch)"
check "path: url.path dotted" 1 "$(q --count path:/health)"
check "path glob" 3 "$(q --count 'path:/api/v1/tts*')"
"$LOGDECK" stats --json --by path >"$T/path.json" 2>&1
check "stats --by path /api/v1/tts" 1 "$(grep -c '"key":"/api/v1/tts","count":2[,}]' "$T/path.json")"
check "stats --by path /health" 1 "$(grep -c '"key":"/health","count":1[,}]' "$T/path.json")"

# --- field equality: exact through the tokens ------------------------------------------
check "eq case-sensitive Cu_7" 2 "$(q --count customer_id:Cu_7)"
check "eq case-sensitive cu_7" 1 "$(q --count customer_id:cu_7)"
check "eq glob prefix" 3 "$(q --count 'customer_id:*u_7')"
check "eq glob case" 2 "$(q --count 'customer_id:C*')"
check "eq number" 1 "$(q --count status_code:503)"
check "eq number as float" 1 "$(q --count duration_ms:1500.0)"
check "eq number vs numeric string" 2 "$(q --count retries:3)"
check "eq quoted number is a number" 2 "$(q --count 'retries:"3"' )"
check "eq nested" 1 "$(q --count process.id:1234)"
check "eq bool" 1 "$(q --count ok:true)"
check "eq dotted literal key" 1 "$(q --count url.path:/health)"
check "eq long value (> token length)" 1 "$(q --count "note:$(printf 'x%.0s' $(seq 1 120))-end")"
check "eq long value, other end" 0 "$(q --count "note:$(printf 'x%.0s' $(seq 1 120))-END")"
check "eq absent value" 0 "$(q --count customer_id:nobody)"
check "eq AND level" 1 "$(q --count 'customer_id:Cu_7 level:info service:api.request')"
check "eq NOT" 1 "$(q --count -- 'customer_id:* -customer_id:Cu_7')"
check "eq first page = count" 2 "$(q --limit 50 customer_id:Cu_7 | wc -l | tr -d ' ')"
check "count answered from rec_fv" 1 "$(q --explain 'customer_id:Cu_7 level:info' 2>/dev/null | grep -c 'r.id IN (\|from rec_fv MATCH')"

# --- a glob whose prefix cannot start a number (an address) is listed from the
# string tokens; one that may start a number also finds number values (their
# text, as ld_field gives it) -----------------------------------------------------------
cat >"$D/ips.jsonl" <<'EOF'
{"timestamp": "2024-03-01T10:05:00Z", "level": "info", "event": "conn", "ip": "10.0.1.5", "ver": 10.5}
{"timestamp": "2024-03-01T10:05:01Z", "level": "info", "event": "conn", "ip": "10.0.1.77", "ver": "10.5.1"}
{"timestamp": "2024-03-01T10:05:02Z", "level": "warning", "event": "conn", "ip": "10.0.2.5", "ver": 105}
{"timestamp": "2024-03-01T10:05:03Z", "level": "info", "event": "conn", "ip": "10.0.10.1", "ver": "10.5"}
{"timestamp": "2024-03-01T10:05:04Z", "level": "info", "event": "conn", "ip": 10, "ver": "1e5x"}
EOF
"$LOGDECK" --config "$T/config.yaml" index "$D/ips.jsonl" >/dev/null 2>&1
check "glob ip:10.0.1.*" 2 "$(q --count 'ip:10.0.1.*')"
check "glob ip:10.0.1.* from the tokens" 1 \
  "$(q --explain --count 'ip:10.0.1.*' 2>/dev/null |
     grep -c "^field glob's tokens: ids from rec_fv MATCH \"sipqx10q2e0q2e1q2e\"\* (exact)$")"
check "glob ip:10.0.1.* first page" "10.0.1.77 10.0.1.5" \
  "$(q --json --limit 50 'ip:10.0.1.*' | sed -n 's/.*"ip": "\([^"]*\)".*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check "glob ip:10.0.* (two dots)" 4 "$(q --count 'ip:10.0.*')"
check "glob ip:10.0.1.* AND fields" 1 "$(q --count 'ip:10.0.1.* level:info event:conn ver:10.5')"
check "glob ip:1* (may be a number: 10)" 5 "$(q --count 'ip:1*')"
check "glob ver:10.5* (the number 10.5 too)" 3 "$(q --count 'ver:10.5*')"
check "glob ver:10.5.*" 1 "$(q --count 'ver:10.5.*')"
check "glob ver:1e5*" 1 "$(q --count 'ver:1e5*')"

# --- NOT x counted as the total less x where x is counted from the indexes;
# the same counts as a scan (a time bound in the query makes it one) ----------
for x in 'level:info' 'level>=warning' 'service:api.request' 'GeminiAPIError' \
         'customer_id:Cu_7' 'ip:10.0.1.*' 'path:/api/v1/tts*' '"job 1"'; do
  check "NOT $x: counted as by a scan" \
    "$(q --count -- "-($x) until:2100-01-01T00:00:00Z")" "$(q --count -- "-($x)")"
done
check "NOT level:info: the total less info" \
  "$(( $(q --count '*') - $(q --count level:info) ))" "$(q --count -- '-level:info')"
check "NOT NOT ip:10.0.1.*" 2 "$(q --count 'NOT NOT ip:10.0.1.*')"

# --- compressed raw text: a larger JSON file, every line read back exactly --------------
# Two runs: the text goes to blocks of up to 128 records (db/blk.h); the
# second run starts new blocks after the first run's last one.
i=0
while [ $i -lt 10000 ]; do
  printf '{"ts": "2024-03-01T11:%02d:%02d.%03dZ", "level": "info", "service": "bulk", "event": "item %d stored", "customer_id": "customer_%d", "size": %d}\n' \
    $((i / 6000)) $((i / 100 % 60)) $((i % 100 * 10)) $i $((i % 97)) $((i * 7))
  i=$((i + 1))
done >"$T/bulk.all"
head -5000 "$T/bulk.all" >"$D/bulk.jsonl"
"$LOGDECK" index "$D/bulk.jsonl" >/dev/null 2>&1
# The checks that read the store behind logdeck's back need the sqlite3 shell.
if need sqlite3 sqlite3 "bulk: blocks of 128 records after the first run"; then
  check "bulk: blocks of 128 records after the first run" 1 "$(sqlite3 "$LOGDECK_DB" 'SELECT count(*) >= 39 AND max(n) = 128 FROM rawblk')"
fi
tail -5000 "$T/bulk.all" >>"$D/bulk.jsonl"
"$LOGDECK" index "$D/bulk.jsonl" >/dev/null 2>&1
check "bulk count" 10000 "$(q --count service:bulk)"
check "bulk customer_7 (= grep)" "$(grep -c '"customer_7"' "$D/bulk.jsonl")" "$(q --count customer_id:customer_7)"
if need sqlite3 sqlite3 "bulk: every record's text in a block"; then
  zc=$(sqlite3 "$LOGDECK_DB" "SELECT count(*) FROM records WHERE (flags >> 3) & 15 = 15 AND raw IS NULL AND msg IS NULL" 2>/dev/null)
  check "bulk: every record's text in a block" 1 "$(awk -v n="${zc:-0}" 'BEGIN{print (n >= 10000)}')"
  zb=$(sqlite3 "$LOGDECK_DB" "SELECT sum(length(z)) FROM rawblk" 2>/dev/null)
  check "bulk: blocks under 1/4 of the text" 1 "$(awk -v z="${zb:-0}" -v r="$(wc -c <"$D/bulk.jsonl")" 'BEGIN{print (z > 0 && z * 4 < r)}')"
fi
q --json --limit 0 --reverse service:bulk | sed 's/.*"fields":\(.*\)}$/\1/' >"$T/bulk.back"
check "bulk: every line read back exactly" "" "$(cmp "$T/bulk.back" "$D/bulk.jsonl" 2>&1)"
check "bulk: word in a compressed record" 1 "$(q --count '"item 4999 stored"')"

# --- rollups: stats from the per-minute cells equal the exact scan -------------------
# 24000 records over 40 minutes (more than the 20000 below which stats scan).
awk 'BEGIN { for (i = 0; i < 24000; i++)
  printf "{\"ts\": \"2024-03-01T12:%02d:%02d.%03dZ\", \"level\": \"%s\", \"service\": \"roll%d\", \"event\": \"e %d\", \"path\": \"/p%d\", \"duration_ms\": %d, \"status_code\": %d}\n",
    int(i / 600), int(i / 10) % 60, (i % 10) * 100, (i % 7 ? "info" : "error"), i % 3, i % 4, i % 5, i % 1000, (i % 9 ? 200 : 503) }' >"$D/roll.jsonl"
"$LOGDECK" index "$D/roll.jsonl" >/dev/null 2>&1
nopct() { sed -e '/^latency/d' -e 's/, p50 .*//'; }
how() { "$LOGDECK" "$@" | sed -n 's/^sqlite: \(rollups\|one scan\).*/\1/p'; }
for a in "" "--by path" "--by service" "--by level"; do
  # shellcheck disable=SC2086
  check "stats $a: from the rollups" rollups "$(how stats --explain $a)"
  # shellcheck disable=SC2086
  check "stats $a: rollups = exact scan" "$("$LOGDECK" stats --exact $a | nopct)" "$("$LOGDECK" stats $a | nopct)"
done
sq='-path:/nosuch since:2024-03-01T12:00:30.5Z until:2024-03-01T12:39:50Z'
check "stats, cut minutes: from the rollups" rollups "$(how stats --explain "$sq")"
check "stats, cut minutes: = exact scan" "$("$LOGDECK" stats --exact --by path "$sq" | nopct)" "$("$LOGDECK" stats --by path "$sq" | nopct)"
check "stats: approximate percentiles marked" 1 "$("$LOGDECK" stats | grep -c '^latency .*p50 ~')"
check "stats --json: approx 0.01" 1 "$("$LOGDECK" stats --json | grep -c '"approx":0.01')"
check "stats of a word: a scan" "one scan" "$(how stats --explain e)"
check "stats --exact: exact percentiles" 0 "$("$LOGDECK" stats --exact | grep -c '~')"
# The v5 and v2 stores below are made with the sqlite3 shell.
need sqlite3 sqlite3 "v5 store migrated, v2 store refused" || exit 0
# A version 5 store (no rollups): read as it is, migrated in place by a writer.
cp "$LOGDECK_DB" "$T/v4.db"
sqlite3 "$T/v4.db" "DROP TABLE rollup; DROP TABLE rolldim; DROP TABLE rollmsg; PRAGMA user_version=5;"
check "v5 store: stats scan" "one scan" "$(how --db "$T/v4.db" stats --explain )"
check "v5 store: stats = v5's" "$("$LOGDECK" stats --exact | nopct)" "$("$LOGDECK" --db "$T/v4.db" stats | nopct)"
"$LOGDECK" --db "$T/v4.db" store prune >/dev/null 2>&1
check "v5 store migrated by a writer" 9 "$(sqlite3 "$T/v4.db" 'PRAGMA user_version')"
check "v5 store migrated: rollups" rollups "$(how --db "$T/v4.db" stats --explain )"
check "v5 store migrated: rollups = scan" "$("$LOGDECK" stats --exact --by service | nopct)" "$("$LOGDECK" --db "$T/v4.db" stats --by service | nopct)"

# --- v2 store: refused with the command that rebuilds, never modified ------------------
sqlite3 "$T/v2.db" "PRAGMA application_id=1279738947; CREATE TABLE records(id INTEGER PRIMARY KEY); PRAGMA user_version=2;"
sum1=$(cksum <"$T/v2.db")
check_rc "v2 store refused (reader)" 1 "$LOGDECK" --db "$T/v2.db" query --count ''
check "v2 message names the rebuild" 1 "$(grep -c "logdeck --db '$T/v2.db' index PATH" "$T/.err")"
check_rc "v2 store refused (writer)" 1 "$LOGDECK" --db "$T/v2.db" index "$D/api.jsonl"
check "v2 store untouched" "$sum1" "$(cksum <"$T/v2.db")"
