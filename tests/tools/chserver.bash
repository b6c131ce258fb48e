# chserver.bash: start and stop private clickhouse-server instances for
# tests and benchmarks (source it after tests/lib.sh). Each server gets a
# generated config in its own directory under $T, free 127.0.0.1 ports,
# and is stopped by its PID on exit. Without the package (and not root to
# install it) ch_require prints SKIP lines with the reason and returns 1.
CH_BIN=${CH_BIN:-/usr/sbin/clickhouse-server}
CH_PIDS=""

# ch_require NAME...: 0 when clickhouse-server is usable; otherwise prints
# `SKIP: NAME: reason` for each test name given and returns 1.
ch_require() {
  if [ ! -x "$CH_BIN" ] || ! command -v curl >/dev/null 2>&1; then
    sh "$ROOT/tests/tools/deps.sh" clickhouse >/dev/null 2>"$T/.deps" || true
  fi
  _why=""
  if [ ! -x "$CH_BIN" ]; then
    _why="clickhouse-server not installed ($(grep apt-get "$T/.deps" | sed 's/^ *//'))"
  elif ! command -v curl >/dev/null 2>&1; then   # /ping and ch_sql speak HTTP with it
    _why="curl is not installed (apt-get install curl)"
  fi
  if [ -n "$_why" ]; then
    for n in "$@"; do echo "SKIP: $n: $_why"; done
    return 1
  fi
  return 0
}

# A port nobody listens on: the kernel's pick through python3 when it is
# installed (a fresh machine has none), else a random one that refuses a
# connection (bash's /dev/tcp), at most 50 tries.
_ch_free_port() {
  python3 - <<'PY' 2>/dev/null && return 0
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
  for _ in $(seq 50); do
    _p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$_p") 2>/dev/null || { echo "$_p"; return 0; }
  done
  echo "$_p"
}

# ch_config DIR HTTP TCP [REMOTE_SERVERS_XML]: writes DIR/config.xml, users.xml.
ch_config() {
  d=$1; mkdir -p "$d/data" "$d/tmp" "$d/log" "$d/user_files" "$d/format_schemas"
  cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$2</http_port>
  <tcp_port>$3</tcp_port>
  <interserver_http_port>$(_ch_free_port)</interserver_http_port>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers>${4:-}</remote_servers>
  <compression><case><method>zstd</method></case></compression>
</yandex>
XML
  cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><log_queries>${CH_LOG_QUERIES:-0}</log_queries></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <ld><password>${CH_TEST_PASSWORD:-s3cret-pw}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></ld>
  </users>
  <quotas><default></default></quotas>
</yandex>
XML
}

# ch_start DIR [REMOTE_SERVERS_XML]: starts a server (ports reused from an
# earlier start of the same DIR); sets CH_HTTP, CH_TCP, CH_PID; waits for
# /ping (at most 30 s). A server that exits before answering (a port taken
# between its pick and the bind, by another program on the machine) is
# started again, at most 3 times, on new ports when they were picked for
# this start. Returns 1 (with its exit status and the log's tail) when it
# does not come up.
ch_start() {
  local d=$1 try fresh=0 rc
  [ -f "$d/ports" ] || fresh=1
  for try in 1 2 3; do
    _ch_start_once "$d" "${2:-}" && return 0
    if kill -0 "$CH_PID" 2>/dev/null; then break; fi   # running, never answered
    wait "$CH_PID" 2>/dev/null; rc=$?
    echo "clickhouse-server (try $try, ports $CH_HTTP $CH_TCP) exited with status $rc before answering /ping" >&2
    ls -la "$d/log" >&2 2>/dev/null
    tail -5 "$d/log/error.log" "$d/log/stdout" >&2 2>/dev/null
    [ "$fresh" = 1 ] && rm -f "$d/ports"
    sleep 1
  done
  echo "clickhouse-server did not answer /ping:" >&2; tail -5 "$d/log/error.log" "$d/log/stdout" >&2 2>/dev/null
  return 1
}

_ch_start_once() {
  local d=$1
  if [ -f "$d/ports" ]; then read -r CH_HTTP CH_TCP <"$d/ports"; else
    CH_HTTP=$(_ch_free_port); CH_TCP=$(_ch_free_port)
    while [ "$CH_TCP" = "$CH_HTTP" ]; do CH_TCP=$(_ch_free_port); done
    ch_config "$d" "$CH_HTTP" "$CH_TCP" "${2:-}"
    echo "$CH_HTTP $CH_TCP" >"$d/ports"
  fi
  (cd "$d" && exec "$CH_BIN" --config-file="$d/config.xml" >"$d/log/stdout" 2>&1) &
  CH_PID=$!
  CH_PIDS="$CH_PIDS $CH_PID"
  echo "$CH_PID" >"$d/pid"
  for _ in $(seq 300); do
    if [ "$(curl -s -m 1 "http://127.0.0.1:$CH_HTTP/ping" 2>/dev/null)" = "Ok." ]; then return 0; fi
    kill -0 "$CH_PID" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# ch_stop DIR [SIGNAL]: stops the server started in DIR (by its PID), waits
# at most 20 s for it to exit.
ch_stop() {
  p=$(cat "$1/pid" 2>/dev/null) || return 0
  kill -"${2:-TERM}" "$p" 2>/dev/null
  for _ in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; rm -f "$1/pid"
}

# ch_sql DIR SQL: runs SQL over HTTP, prints the TSV answer.
ch_sql() {
  read -r _h _t <"$1/ports"
  curl -sS -m 30 --data-binary "$2" "http://127.0.0.1:$_h/"
}

_ch_cleanup_all() {
  for p in $CH_PIDS; do kill -TERM "$p" 2>/dev/null; done
  for p in $CH_PIDS; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  _cleanup
}
trap _ch_cleanup_all EXIT
