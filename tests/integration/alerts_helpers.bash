# Helpers for the alerts_*.sh integration scripts (sourced after
# tests/lib.sh): a recording HTTP sink on 127.0.0.1, the `alerts run`
# daemon, a live log writer, and polling. Everything started here is
# killed by the EXIT trap, so nothing outlives a test.
SINK_BIN=${BUILD_DIR}/tests/tools/httpsink
SINK_PID= RUN_PID=
_alerts_cleanup() {
  [ -n "$RUN_PID" ] && kill -9 "$RUN_PID" 2>/dev/null
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
  wait 2>/dev/null
  _cleanup
}
trap _alerts_cleanup EXIT

# start_sink [MODE]: sets SINK_PORT, SINK_LOG, SINK_CTL (write a mode into it).
start_sink() {
  SINK_LOG=$T/sink.log SINK_CTL=$T/sink.ctl
  : > "$SINK_LOG"; echo "${1:-ok}" > "$SINK_CTL"; rm -f "$T/sink.port"
  "$SINK_BIN" -l "$SINK_LOG" -c "$SINK_CTL" -t 170 -P "$T/sink.port" >/dev/null &
  SINK_PID=$!
  wait_for 30 test -s "$T/sink.port" || { fail sink "httpsink did not start"; exit 1; }
  SINK_PORT=$(cat "$T/sink.port")
}

# start_run RULES PATH...: `logdeck alerts run` in the background.
start_run() {
  "$LOGDECK" alerts run "$@" >>"$T/run.out" 2>>"$T/run.err" &
  RUN_PID=$!
  wait_for 30 grep -q "following" "$T/run.err"
}
stop_run() { # -> RUN_RC
  kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID"; RUN_RC=$?; RUN_PID=
}

# wait_for SECONDS command...: polls every 0.1 s until the command succeeds.
wait_for() {
  local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -ge "$end" ] && return 1
    sleep 0.1
  done
}

now_ts() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
# logline LEVEL PATH MESSAGE: one JSON line as structlog writes it.
logline() {
  printf '{"timestamp": "%s", "level": "%s", "service": "api", "path": "%s", "event": "%s"}\n' \
    "$(now_ts)" "$1" "$2" "$3"
}
# append_once FILE: appends stdin to FILE in a single write(2), so that a
# follower reads all of it at once however loaded the machine (bash's
# printf and echo write line by line; cat writes a small file whole).
append_once() { cat >"$T/.once" && cat "$T/.once" >>"$1"; }
sent() { grep -c "^REQ .* -> ${1:-200}\$" "$SINK_LOG"; }
kinds() { grep '^B ' "$SINK_LOG" | grep -o '"kind":"[a-z]*"' | cut -d'"' -f4 | tr '\n' ' '; }
ge() { [ "$(eval "$1")" -ge "$2" ]; }
