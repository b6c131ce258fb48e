# ch_store.sh: the ClickHouse schema and its upkeep on a real server.
# 1. store init on 18.16 creates the plain schema (no codecs, TTL or skip
#    indexes: db/chddl.c gives those to newer servers only, unit-tested in
#    test_chddl), says so, and a second init says it is there; a database
#    holding another schema version is a clear error for init and for
#    every command, and nothing is changed.
# 2. store prune drops whole day partitions older than the config's
#    retention (per level: a day holding an error younger than the error
#    retention stays), from logs and from the trace view, and says which.
# 3. The trace view stays whole across a crash between the two parts of an
#    INSERT (simulated exactly: the view's part of one batch dropped, as a
#    server killed between writing the logs part and the view part leaves
#    it) and across kill -9 of the server and of a shipper mid-stream: after
#    the shipper restarts, every cid's trace equals its rows in logs.
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_store.sh" || exit 0
need python3 python3 "ch_store.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
on_server() { ch_sql "$T/ch" "$1" 2>/dev/null; }

# --- 1. schema by version ------------------------------------------------------
"$LOGDECK" --db "$URL" store init >"$T/init.out" 2>&1
check "init on 18.16: the plain schema" \
  "$URL: created logdeck schema version 1, plain schema (server 18.16: no codecs, TTL or skip indexes)" \
  "$(cat "$T/init.out")"
ddl=$(on_server "SHOW CREATE TABLE logdeck.logs")
check "18.16 table: no CODEC, INDEX or TTL" "0 0 0" \
  "$(echo "$ddl" | grep -c CODEC) $(echo "$ddl" | grep -c 'INDEX ') $(echo "$ddl" | grep -c 'TTL ')"
check "18.16 table: partitioned by day, ordered by (service, ts)" 1 \
  "$(echo "$ddl" | grep -c "PARTITION BY toDate(toDateTime(intDiv(ts, 1000000), \\\\'UTC\\\\')) ORDER BY (service, ts)")"
check "trace table is a materialized view" 1 \
  "$(on_server "SHOW CREATE TABLE logdeck.logs_by_cid" | grep -c '^CREATE MATERIALIZED VIEW logdeck.logs_by_cid')"
check "init again: already there" "$URL: logdeck schema version 1 already there (server 18.16)" \
  "$("$LOGDECK" --db "$URL" store init 2>&1)"
for v in 2 0; do
  on_server "CREATE DATABASE v$v" >/dev/null
  on_server "CREATE TABLE v$v.logdeck_meta (k String, v String) ENGINE = TinyLog" >/dev/null
  on_server "INSERT INTO v$v.logdeck_meta VALUES ('schema', '$v')" >/dev/null
done
U2="clickhouse://127.0.0.1:$CH_HTTP/v2"; U0="clickhouse://127.0.0.1:$CH_HTTP/v0"
check_rc "init on a newer schema exits 1" 1 "$LOGDECK" --db "$U2" store init
check "init on a newer schema: says so" \
  "logdeck store init: $U2 has logdeck schema version 2; this logdeck creates version 1 and cannot migrate from a newer one" \
  "$(cat "$T/.err")"
check "init on a newer schema: nothing created" "logdeck_meta" "$(on_server "SHOW TABLES FROM v2")"
check_rc "query on a newer schema exits 1" 1 "$LOGDECK" --db "$U2" query --count ''
check "query on a newer schema: upgrade logdeck" \
  "logdeck query: $U2 has logdeck schema version 2; this logdeck speaks version 1: upgrade logdeck" \
  "$(cat "$T/.err")"
check_rc "init on an unknown older schema exits 1" 1 "$LOGDECK" --db "$U0" store init
check "init on an older schema: says so" \
  "logdeck store init: $U0 has logdeck schema version 0; this logdeck creates version 1 and cannot migrate from that one" \
  "$(cat "$T/.err")"
check_rc "stats on a server without the schema exits 1" 1 "$LOGDECK" --db "clickhouse://127.0.0.1:$CH_HTTP/none" stats
check "no schema: names store init" 1 "$(grep -c 'create it with: logdeck store init --db' "$T/.err")"

# --- 2. retention by day partitions ----------------------------------------------
day() { date -u -d "@$(( $(date +%s) - $1 * 86400 ))" +%Y-%m-%d; }
python3 - "$T/days.jsonl" <<'PY'
import json, sys, time
now = int(time.time())
with open(sys.argv[1], "w") as f:
    for ago, n, lv in [(10, 40, "info"), (5, 30, "info"), (5, 1, "error"), (1, 20, "info"), (0, 10, "info")]:
        for i in range(n):
            t = now - ago * 86400 - 3600 + i
            # the day of (now - ago days) at most an hour earlier: keep it on that day
            d = time.gmtime(now - ago * 86400)
            t = max(t, int(time.mktime(time.struct_time((d.tm_year, d.tm_mon, d.tm_mday, 0, 0, 0, 0, 0, 0)))) - time.timezone + i)
            f.write(json.dumps({"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                                "level": lv, "event": "day %d rec %d" % (ago, i),
                                "request_id": "cid-day%d" % ago, "service": "svc"}) + "\n")
PY
LOGDECK_DB="$T/days.db" "$LOGDECK" index --ship "$URL" --host days "$T/days.jsonl" >/dev/null 2>"$T/err" ||
  fail "ship the days" "$(head -c 300 "$T/err")"
check "101 records on 4 days" "101 4" "$(on_server "SELECT count(), uniqExact(toDate(toDateTime(intDiv(ts, 1000000), 'UTC'))) FROM logdeck.logs FORMAT TSV" | tr '\t' ' ')"
# service:V narrows by the primary key (service, ts): the statement logdeck
# sends runs with force_primary_key = 1 (the naming rule's whole expression
# could not, and a 10M-row poll scanned every part).
sql=$("$LOGDECK" --db "$URL" query --explain service:svc 2>&1 | grep '^SELECT' | sed 's/ FORMAT TabSeparated$//')
check "service:svc on ClickHouse uses the primary key (force_primary_key = 1): a page of 50" "50" \
  "$(on_server "SELECT count() FROM ($sql) SETTINGS force_primary_key = 1" | tr -d '\n')"
check "service:svc counts the same as on the journal" \
  "$("$LOGDECK" --db "$T/days.db" query --count service:svc)" "$("$LOGDECK" --db "$URL" query --count service:svc)"
mkdir -p "$T/cfg"
printf 'store:\n  retention: {error: 7d, default: 3d}\n' >"$T/cfg/ret.yaml"
printf 'store:\n  max_size: 1GB\n' >"$T/cfg/none.yaml"
check "prune without a retention drops nothing" \
  "$URL: no retention in the config (store: retention:), nothing dropped" \
  "$("$LOGDECK" --config "$T/cfg/none.yaml" --db "$URL" store prune 2>&1)"
"$LOGDECK" --config "$T/cfg/ret.yaml" --db "$URL" store prune >"$T/prune.out" 2>&1
check "prune says what it dropped" "dropped partition $(day 10) (40 records)
pruned $URL: 1 day partitions dropped (40 records) from logs and logs_by_cid, 3 days kept" "$(cat "$T/prune.out")"
check "the day 10 days ago is gone from logs" "61 0" \
  "$(on_server "SELECT count(), countIf(toDate(toDateTime(intDiv(ts, 1000000), 'UTC')) = '$(day 10)') FROM logdeck.logs FORMAT TSV" | tr '\t' ' ')"
check "... and its partition from both tables" 0 \
  "$(on_server "SELECT count() FROM system.parts WHERE database = 'logdeck' AND active AND partition LIKE '%$(day 10)%'")"
check "... and from traces" 1 "$("$LOGDECK" --db "$URL" trace cid-day10 >/dev/null 2>&1; echo $?)"
check "the day 5 days ago stays: it holds an error younger than 7d" 31 "$("$LOGDECK" --db "$URL" query --count 'cid:cid-day5')"
check "the trace of that day is whole" 31 "$("$LOGDECK" --db "$URL" trace --json cid-day5 | wc -l | tr -d ' ')"
check "prune again: nothing more" \
  "pruned $URL: 0 day partitions dropped (0 records) from logs and logs_by_cid, 3 days kept" \
  "$("$LOGDECK" --config "$T/cfg/ret.yaml" --db "$URL" store prune 2>&1)"
printf 'store:\n  retention: {default: 3d}\n' >"$T/cfg/ret3.yaml"
check "a shorter error retention lets that day go too" "dropped partition $(day 5) (31 records)" \
  "$("$LOGDECK" --config "$T/cfg/ret3.yaml" --db "$URL" store prune 2>&1 | head -1)"

# --- 3. the trace view after a crash between the two parts of an INSERT ------------
gen() { # FILE FROM N [DAY]: JSON lines FROM..FROM+N-1 over 50 cids
  python3 - "$@" <<'PY'
import json, sys
f, a, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
day = sys.argv[4] if len(sys.argv) > 4 else "01"
with open(f, "a") as o:
    for i in range(a, a + n):
        o.write(json.dumps({"timestamp": "2024-05-%sT10:%02d:%02d.%06dZ" % (day, i // 60000 % 60, i // 1000 % 60, i % 1000 * 1000),
                            "level": "info", "event": "seq %d" % i, "request_id": "Trace-%02d" % (i % 50)}) + "\n")
PY
}
gen "$T/gap.jsonl" 0 500 01
gen "$T/gap.jsonl" 500 500 02                   # the second batch: a day (a part) of its own
ship_gap() { LOGDECK_DB="$T/gap.db" "$LOGDECK" index --ship "$URL" --host gap "$T/gap.jsonl" >/dev/null 2>>"$T/gap.err"; }
ship_gap
on_server "ALTER TABLE logdeck.logs_by_cid DROP PARTITION '2024-05-02'" >/dev/null   # its view part lost
view() { on_server "SELECT count() FROM logdeck.logs_by_cid WHERE host = 'gap'"; }
check "the gap: logs has 1000, the view 500" "1000 500" "$(on_server "SELECT count() FROM logdeck.logs WHERE host = 'gap'") $(view)"
check "the gap: a trace misses records" 10 "$("$LOGDECK" --db "$URL" trace --json trace-07 | wc -l | tr -d ' ')"
ship_gap                                        # the shipper starts again: nothing new to send
check "after the shipper's restart the view is whole" 1000 "$(view)"
check "a trace equals the cid's rows in logs" "$(on_server "SELECT count() FROM logdeck.logs WHERE lower(cid) = 'trace-07'")" \
  "$("$LOGDECK" --db "$URL" trace --json trace-07 | wc -l | tr -d ' ')"
check "each record once in the view" 0 "$(on_server "SELECT count() FROM (SELECT rid, count() AS n FROM logdeck.logs_by_cid WHERE host = 'gap' GROUP BY rid HAVING n > 1)")"

# kill -9 of the server and of a shipper mid-stream: 60000 records in
# batches of 2000, the server killed twice, the shipper once.
N=60000
gen "$T/big.jsonl" 0 $N
follow() {
  LOGDECK_DB="$T/big.db" "$LOGDECK" index --follow --status-interval 0 --ship "$URL" --host big \
    --ship-batch 2000 "$T/big.jsonl" >>"$T/big.out" 2>>"$T/big.err" &
  FPID=$!
}
wait_rows() { # MIN SECS
  for _ in $(seq $(( $2 * 10 ))); do
    [ "$(on_server "SELECT count() FROM logdeck.logs WHERE host = 'big'")" -ge "$1" ] 2>/dev/null && return 0; sleep 0.1
  done; return 1
}
follow
wait_rows 6000 60 || fail "shipping started" "$(tail -2 "$T/big.err")"
ch_stop "$T/ch" KILL; ch_start "$T/ch" || fail "server restart after kill -9" "no /ping"
wait_rows 20000 60
kill -KILL "$FPID"; wait "$FPID" 2>/dev/null; follow
wait_rows 30000 60
ch_stop "$T/ch" KILL; ch_start "$T/ch" || fail "server restart after the second kill -9" "no /ping"
wait_rows $N 120 || fail "shipping finished" "$(tail -2 "$T/big.err")"
kill -KILL "$FPID"; wait "$FPID" 2>/dev/null; follow   # a last restart: the repair runs
for _ in $(seq 300); do
  [ "$(on_server "SELECT count() FROM logdeck.logs_by_cid WHERE host = 'big'")" = "$N" ] && break; sleep 0.1
done
kill -TERM "$FPID"; wait "$FPID" 2>/dev/null
check "kill -9 mid-ship: every record once in logs" "$N $N" \
  "$(on_server "SELECT count(), uniqExact(rid) FROM logdeck.logs WHERE host = 'big' FORMAT TSV" | tr '\t' ' ')"
check "kill -9 mid-ship: every record once in the trace view" "$N $N" \
  "$(on_server "SELECT count(), uniqExact(rid) FROM logdeck.logs_by_cid WHERE host = 'big' FORMAT TSV" | tr '\t' ' ')"
for c in Trace-00 trace-23 TRACE-49; do
  check "kill -9 mid-ship: trace $c equals its rows in logs" \
    "$(on_server "SELECT count() FROM logdeck.logs WHERE lower(cid) = lower('$c')")" \
    "$("$LOGDECK" --db "$URL" trace --json "$c" | wc -l | tr -d ' ')"
done
