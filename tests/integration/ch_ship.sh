# ch_ship.sh: shipping to ClickHouse exactly once. Two "hosts" (two
# followers with their own local stores and --host names) ship what two
# writers produce (numbered lines, rotating files). While they write, the
# test kills one shipper with kill -9 while its INSERT runs on the server
# (it is restarted at once: the new shipper must wait for that INSERT
# before asking where the copy ends), kills the server with kill -9 while
# an INSERT runs, kills a shipper while the server is down, restarts the
# server, then restarts it cleanly while an INSERT runs. In the end
# ClickHouse must hold every written line exactly once per host, each as
# (host, store id, record id) once, and `host:` must select each host.
# Every wait is on a condition, bounded.
. tests/lib.sh
. tests/tools/chserver.bash
. tests/integration/follow_lib.bash
ch_require "ch_ship.sh" || exit 0
ch_start "$T/ch" || { fail "clickhouse start" "no /ping"; exit 0; }
URL="clickhouse://127.0.0.1:$CH_HTTP/logdeck"
"$LOGDECK" --db "$URL" store init >/dev/null 2>"$T/err" || { fail "store init" "$(cat "$T/err")"; exit 0; }
N=40000
mkdir -p "$T/a" "$T/b"
follow_host() { # NAME DIR: background follower, its pid in $FPID
  LOGDECK_DB="$T/$1.db" "$LOGDECK" index --follow --status-interval 0 --ship "$URL" \
    --host "$1" --ship-batch 3000 "$2/app.log" >>"$T/$1.out" 2>>"$T/$1.err" &
  FPID=$!
}
# 40000 lines each at 2500 lines/s: the writers outlast the kills below.
"$WR" -d "$T/a" -n app.log -s A -c $N -m rename -b 2000000 -k 9 -r 2500 -o "$T/a.rec" &
WA=$!
"$WR" -d "$T/b" -n app.log -s B -c $N -m rename -b 2000000 -k 9 -r 2500 -o "$T/b.rec" &
WB=$!
follow_host web-1 "$T/a"; PA=$FPID; follow_host web-2 "$T/b"; PB=$FPID
on_server() { ch_sql "$T/ch" "$1" 2>/dev/null; }
rows() { on_server "SELECT count() FROM logdeck.logs"; }
wait_rows() { # MIN SECS: until the server holds at least MIN rows
  for _ in $(seq $(( $2 * 10 ))); do
    [ "$(rows)" -ge "$1" ] 2>/dev/null && return 0; sleep 0.1
  done; return 1
}
# mid_insert HOST: waits (at most 30 s) until an INSERT of HOST's shipper
# runs on the server (its query id is logdeck-ship-HOST-STOREID).
mid_insert() {
  for _ in $(seq 3000); do
    [ "$(on_server "SELECT count() FROM system.processes WHERE query_id LIKE 'logdeck-ship-$1-%'")" -ge 1 ] \
      2>/dev/null && return 0
    sleep 0.01
  done; return 1
}
wait_rows 2000 30 || fail "shipping started" "$(tail -2 "$T/web-1.err")"
r0=$(rows)
mid_insert web-1 && kill -KILL "$PA" && pass "kill -9 of a shipper while its INSERT runs" ||
  fail "kill -9 of a shipper while its INSERT runs" "no INSERT of web-1 seen in 30 s"
wait "$PA" 2>/dev/null
follow_host web-1 "$T/a"; PA=$FPID                # restarted at once
wait_rows $((r0 + 6000)) 30 || fail "shipping goes on after the kill" "$(rows) rows"
mid_insert web-2 && ch_stop "$T/ch" KILL && pass "kill -9 of the server while an INSERT runs" ||
  fail "kill -9 of the server while an INSERT runs" "no INSERT of web-2 seen in 30 s"
kill -KILL "$PA"; wait "$PA" 2>/dev/null          # and a shipper while it is down
follow_host web-1 "$T/a"; PA=$FPID
ch_start "$T/ch" || fail "server restart after kill -9" "no /ping"
r1=$(rows)
wait_rows $((r1 + 6000)) 30 || fail "shipping goes on after the server's restart" "$(rows) rows"
mid_insert web-1 && ch_stop "$T/ch" TERM && pass "a clean server restart while an INSERT runs" ||
  fail "a clean server restart while an INSERT runs" "no INSERT of web-1 seen in 30 s"
ch_start "$T/ch" || fail "server restart" "no /ping"
wait "$WA" "$WB"
want=$((2 * N))
for _ in $(seq 600); do
  [ "$(rows)" = "$want" ] && break; sleep 0.1
done
stop_follower() { # PID: SIGTERM, at most 30 s to exit (then kill -9: status 137)
  kill -TERM "$1"
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null; wait "$1"
}
stop_follower "$PA"; ra=$?; stop_follower "$PB"; rb=$?
check "followers exit 0 after shipping everything" "0 0" "$ra $rb"
for h in web-1:A web-2:B; do
  host=${h%%:*}; s=${h#*:}
  got=$(on_server "SELECT count(), uniqExact(rid), uniqExact(extract(msg, '$s ([0-9]+)')),
        min(toUInt64(extract(msg, '$s ([0-9]+)'))), max(toUInt64(extract(msg, '$s ([0-9]+)')))
        FROM logdeck.logs WHERE host = '$host' FORMAT TSV" | tr '\t' ' ')
  check "$host: $N lines, each once (count, record ids, seqs, first, last)" "$N $N $N 0 $((N - 1))" "$got"
  check "$host: one store id" 1 "$(on_server "SELECT uniqExact(store_id) FROM logdeck.logs WHERE host = '$host'")"
  check "$host: host: query" "$N" "$("$LOGDECK" --db "$URL" query --count "host:$host")"
  check "$host: local journal holds the same" "$N" "$(LOGDECK_DB="$T/$host.db" "$LOGDECK" query --count '')"
done
check "host glob across both" "$want" "$("$LOGDECK" --db "$URL" query --count 'host:web-*')"
check "no record twice" 0 "$(on_server "SELECT count() FROM (SELECT host, store_id, rid, count() AS n FROM logdeck.logs GROUP BY host, store_id, rid HAVING n > 1)")"
