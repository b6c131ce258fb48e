# ch_ship.sh: shipping to ClickHouse exactly once. Two "hosts" (two
# followers with their own local stores and --host names) ship what two
# writers produce (numbered lines, rotating files) while the test kills
# one shipper with kill -9 (twice, restarting it), kills the server with
# kill -9 mid-stream and restarts it, then restarts it cleanly. In the end
# ClickHouse must hold every written line exactly once per host, each as
# (host, store id, record id) once, and `host:` must select each host.
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
"$WR" -d "$T/a" -n app.log -s A -c $N -m rename -b 2000000 -k 9 -r 16000 -o "$T/a.rec" &
WA=$!
"$WR" -d "$T/b" -n app.log -s B -c $N -m rename -b 2000000 -k 9 -r 16000 -o "$T/b.rec" &
WB=$!
follow_host web-1 "$T/a"; PA=$FPID; follow_host web-2 "$T/b"; PB=$FPID
on_server() { ch_sql "$T/ch" "$1" 2>/dev/null; }
wait_rows() { # MIN SECS: until the server holds at least MIN rows
  for _ in $(seq $(( $2 * 10 ))); do
    [ "$(on_server "SELECT count() FROM logdeck.logs")" -ge "$1" ] 2>/dev/null && return 0; sleep 0.1
  done; return 1
}
wait_rows 5000 20 || fail "shipping started" "$(tail -2 "$T/web-1.err")"
kill -KILL "$PA"; wait "$PA" 2>/dev/null          # a shipper dies mid-stream
follow_host web-1 "$T/a"; PA=$FPID
wait_rows 15000 30
ch_stop "$T/ch" KILL                               # the server dies mid-batch
sleep 0.5
kill -KILL "$PA"; wait "$PA" 2>/dev/null          # and a shipper while it is down
follow_host web-1 "$T/a"; PA=$FPID
ch_start "$T/ch" || fail "server restart after kill -9" "no /ping"
wait_rows 30000 30
ch_stop "$T/ch" TERM                               # a clean restart
ch_start "$T/ch" || fail "server restart" "no /ping"
wait "$WA" "$WB"
want=$((2 * N))
for _ in $(seq 600); do
  [ "$(on_server "SELECT count() FROM logdeck.logs")" = "$want" ] && break; sleep 0.1
done
kill -TERM "$PA" "$PB"; wait "$PA"; ra=$?; wait "$PB"; rb=$?
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
