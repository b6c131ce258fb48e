# ch_cluster.sh: a 3-shard ClickHouse cluster on loopback (remote_servers,
# one shard per server, Distributed tables for reads). Three hosts ship
# their share of the fixtures, each to its own shard; through any shard's
# Distributed table, queries must equal a local store holding the union,
# and a trace whose records sit on different shards must be whole.
. tests/lib.sh
. tests/tools/chserver.bash
ch_require "ch_cluster.sh" || exit 0
remote="<logs3>"
for i in 1 2 3; do
  h=$(_ch_free_port); t=$(_ch_free_port)
  mkdir -p "$T/s$i"; echo "$h $t" >"$T/s$i/ports"
  remote="$remote<shard><replica><host>127.0.0.1</host><port>$t</port></replica></shard>"
done
remote="$remote</logs3>"
for i in 1 2 3; do
  read -r h t <"$T/s$i/ports"; ch_config "$T/s$i" "$h" "$t" "$remote"
  ch_start "$T/s$i" || { fail "shard $i start" "no /ping"; exit 0; }
  "$LOGDECK" --db "clickhouse://127.0.0.1:$h/logdeck?cluster=logs3" store init >"$T/init$i" 2>&1 ||
    { fail "store init shard $i" "$(cat "$T/init$i")"; exit 0; }
  eval "URL$i=clickhouse://127.0.0.1:$h/logdeck"
done
check "init names the cluster" 1 "$(grep -c 'Distributed tables over cluster logs3' "$T/init1")"
F=tests/fixtures
ship() { # N FILES...: host hN ships FILES to shard N
  local n=$1; shift; local u; eval "u=\$URL$n"
  LOGDECK_DB="$T/h$n.db" "$LOGDECK" index --ship "$u" --host "h$n" "$@" >"$T/ship$n" 2>&1 ||
    fail "ship to shard $n" "$(tail -2 "$T/ship$n")"
}
ship 1 $F/gateway.jsonl $F/structlog.jsonl $F/ecs.jsonl
ship 2 $F/pyjson.jsonl $F/loguru_serialized.jsonl $F/python.log $F/mixed.jsonl
ship 3 $F/loguru.jsonl $F/loguru.log $F/logfmt.log $F/syslog.log $F/health_console.log
"$LOGDECK" index $F/*.jsonl $F/*.log >/dev/null 2>&1   # the union, in one local store
on() { ch_sql "$T/s$1" "$2"; }
check "rows per shard add up to the fixtures" "98" \
  "$(( $(on 1 'SELECT count() FROM logdeck.logs') + $(on 2 'SELECT count() FROM logdeck.logs') + $(on 3 'SELECT count() FROM logdeck.logs') ))"
check "every shard holds some" "0" "$(for i in 1 2 3; do on $i 'SELECT count() = 0 FROM logdeck.logs'; done | sort -u | tr -d '\n')"
strip() { sed 's/"host":"[^"]*",//' | sort; }
W='since:2024-01-01 until:2024-01-02'
for u in 1 3; do
  eval "url=\$URL$u"
  for qq in '' 'level>=warning' 'cid:3f2a9c1e*' 'service:api*' '"connection reset"' 'status>=500' \
            'NOT cid:*' 'file:python.log' '(level:error OR level:critical) AND NOT service:api'; do
    a=$("$LOGDECK" query --json --limit 0 -- "$qq $W" | strip | md5sum)
    b=$("$LOGDECK" --db "$url" query --json --limit 0 -- "$qq $W" | strip | md5sum)
    check "shard $u: query '$qq' = the union" "$a" "$b"
  done
  check "shard $u: stats = the union" "$("$LOGDECK" stats --json "$W" | md5sum)" "$("$LOGDECK" --db "$url" stats --json "$W" | md5sum)"
done
cid=3f2a9c1e-5b7d-4e8f-9a01-2b3c4d5e6f70
shards=0; for i in 1 2 3; do [ "$(on $i "SELECT count() FROM logdeck.logs WHERE cid = '$cid'")" -gt 0 ] && shards=$((shards + 1)); done
check "trace $cid sits on 3 shards" 3 "$shards"
"$LOGDECK" --db "$URL2" trace --json "$cid" >"$T/tr.json"
check "trace across shards: 8 records" 8 "$(grep -c '^{"ts"' "$T/tr.json")"
check "trace across shards: hosts h1 h2 h3" "h1 h2 h3" "$(grep -o '"host":"h[0-9]"' "$T/tr.json" | cut -d'"' -f4 | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "trace across shards = the union's" "$("$LOGDECK" trace --json "$cid" | strip | md5sum)" "$(strip <"$T/tr.json" | md5sum)"
check "host: on the cluster" "$(LOGDECK_DB="$T/h2.db" "$LOGDECK" query --count '')" "$("$LOGDECK" --db "$URL1" query --count 'host:h2')"
